/** The AI second opinions of a signal or an inbound event: verdict, confidence, reasons and risks per provider. */
import type { AiOpinion } from '../../../engine/api';
import './ai-opinions.css';

export function AiOpinions({ opinions, testId }: { opinions: AiOpinion[]; testId: string }) {
  return (
    <div className="ai-opinions" data-testid={testId}>
      {opinions.map((o) => (
        <div key={o.providerId} className="ai-opinion">
          <strong>{o.provider}</strong>: {o.verdict} ({Math.round(o.confidence * 100)} %) <span className="muted">[{o.status}, {Math.round(o.latencyMs)} ms, prompt {o.promptVersion}]</span>
          {o.reasons.length > 0 && <div>Reasons: {o.reasons.join('; ')}</div>}
          {o.risks.length > 0 && <div>Risks: {o.risks.join('; ')}</div>}
        </div>
      ))}
    </div>
  );
}
