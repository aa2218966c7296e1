/** The TradingView alert message for an inbound source: JSON with TradingView placeholders and the secret in the body (TradingView cannot set headers). */
export function tradingViewTemplate(secret: string | null): string {
  return JSON.stringify(
    {
      symbol: '{{exchange}}:{{ticker}}',
      side: '{{strategy.order.action}}',
      price: '{{close}}',
      timeframe: '{{interval}}',
      strategy: 'my-tradingview-strategy',
      idempotencyKey: '{{ticker}}-{{timenow}}',
      secret: secret ?? '<the source secret shown when it was created or rotated>',
    },
    null,
    2,
  );
}
