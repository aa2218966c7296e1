/**
 * Secrets at rest (exchange keys of accounts and market sources): AES-256-GCM with a random
 * 32-byte key kept in the data directory (`orders.key`, mode 0600; the name predates its use by
 * the collector and stays so existing installs keep reading their keys). Ciphertexts are
 * `v1:<iv>:<tag>:<data>` (base64). Decrypted keys live only inside the engine; nothing here is
 * ever returned through the contract.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_FILE = 'orders.key';

export class SecretBox {
  private readonly key: Buffer;
  constructor(dataDir: string) {
    const file = path.join(dataDir, KEY_FILE);
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    fs.chmodSync(file, 0o600);
    this.key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (this.key.length !== 32) throw new Error(`${file} is not a 32-byte key`);
  }
  seal(plain: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }
  open(sealed: string): string {
    const [v, iv, tag, data] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unknown secret format');
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
  }
}
