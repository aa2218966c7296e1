/** Moved to engine/secrets/secret-box.ts (shared with the collector); kept so older imports resolve. */
export { KEY_FILE, SecretBox } from '../secrets/secret-box';
