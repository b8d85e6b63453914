/**
 * The ID key and its subkeys, derived with HMAC-SM3: SM4-CTR sealing with a random IV per value and the number's
 * HMAC-SM3 as the tag, the HMAC-SM3 index, the message digest and the fingerprint. identity.ts describes the scheme
 * and holds the process's installed key; this file is the cryptography alone, with no state but the IV buffer.
 */
import { createCipheriv, createHmac, randomBytes, randomFillSync, timingSafeEqual, type Cipher } from 'node:crypto';

/** The environment variable holding the ID key: 64 hex digits (32 bytes). */
export const ID_KEY_VARIABLE = 'SANBAO_ID_KEY';

const VERSION = 'v1';
const SEALED = /^v1:([0-9a-f]{32}):([0-9a-f]*):([0-9a-f]{32})$/;
/** Index and tag: HMAC-SM3 cut to its first 128 bits (as HMAC allows), in hex: half the width to store and index. */
const MAC_HEX = 32;

/** Random IVs, taken 16 bytes at a time from a buffer refilled by the CSPRNG (one call per 256 IVs, not per IV). */
let randomPool = Buffer.alloc(0);
let randomAt = 0;
function freshIv(): Buffer {
  if (randomAt + 16 > randomPool.length) {
    randomPool = randomFillSync(Buffer.alloc(4096));
    randomAt = 0;
  }
  // A view: the pool is replaced when used up, never written again.
  const iv = randomPool.subarray(randomAt, randomAt + 16);
  randomAt += 16;
  return iv;
}

export class IdentityKeyError extends Error {
  override name = 'IdentityKeyError';
}

/** The ID key and its subkeys. */
export class IdentityKey {
  /**
   * SM4 in ECB mode without padding, used only to encrypt counter blocks: the key stream of CTR mode (NIST SP
   * 800-38A, the counter a 128-bit big-endian integer, as OpenSSL's sm4-ctr). One cipher serves every value instead
   * of a new one per value, which costs more than the encryption itself; identity.test.ts checks it against sm4-ctr.
   */
  private readonly keyStream: Cipher;
  private readonly indexKey: Buffer;
  private readonly digestKey: Buffer;
  /** HMAC-SM3 of a fixed label: tells keys apart without revealing them. */
  readonly fingerprint: string;

  private constructor(master: Buffer) {
    const derive = (label: string): Buffer => createHmac('sm3', master).update(`sanbao:${label}`).digest();
    this.keyStream = createCipheriv('sm4-ecb', derive('certno-sm4').subarray(0, 16), null).setAutoPadding(false);
    this.indexKey = derive('certno-index');
    this.digestKey = derive('message-digest');
    this.fingerprint = derive('fingerprint').toString('hex');
  }

  /** The key written as 64 hex digits; throws IdentityKeyError on anything else. */
  static fromHex(hex: string): IdentityKey {
    const text = hex.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text))
      throw new IdentityKeyError(
        `${ID_KEY_VARIABLE} 应为 64 位十六进制字符（32 字节），例如 openssl rand -hex 32 的输出`,
      );
    return new IdentityKey(Buffer.from(text, 'hex'));
  }

  /** A new random key, as 64 hex digits. */
  static generateHex(): string {
    return randomBytes(32).toString('hex');
  }

  /** HMAC-SM3 under the index key of the text upper-cased, its first 128 bits in hex: an index, a sealed value's tag. */
  private mac(text: string): string {
    return createHmac('sm3', this.indexKey).update(text.toUpperCase(), 'utf8').digest('hex').slice(0, MAC_HEX);
  }

  index(certno: string): string {
    return this.mac(certno);
  }

  /**
   * SM4-CTR of several values, each with its IV: each value XORed with the encryption of iv, iv + 1, … (encrypting and
   * decrypting alike); the counter blocks of all of them encrypted in one call.
   */
  private ctr(ivs: readonly Buffer[], data: readonly Buffer[]): Buffer[] {
    const blocks = data.map((value) => Math.ceil(value.length / 16));
    const counters = Buffer.allocUnsafe(blocks.reduce((sum, n) => sum + n, 0) * 16);
    let offset = 0;
    data.forEach((_, k) => {
      for (let block = 0; block < blocks[k]!; block++, offset += 16) {
        ivs[k]!.copy(counters, offset);
        for (let at = offset + 15, carry = block; carry > 0 && at >= offset; at--) {
          const sum = counters[at]! + carry;
          counters[at] = sum & 0xff;
          carry = sum >>> 8;
        }
      }
    });
    const stream = this.keyStream.update(counters);
    offset = 0;
    return data.map((value, k) => {
      const out = Buffer.allocUnsafe(value.length);
      for (let i = 0; i < value.length; i++) out[i] = value[i]! ^ stream[offset + i]!;
      offset += blocks[k]! * 16;
      return out;
    });
  }

  /** Numbers' indexes and sealed forms, one HMAC each and the encryption of them all at once. */
  protectMany(certnos: readonly string[]): { index: string; sealed: string }[] {
    const ivs = certnos.map(() => freshIv());
    const ciphertexts = this.ctr(
      ivs,
      certnos.map((certno) => Buffer.from(certno, 'utf8')),
    );
    return certnos.map((certno, k) => {
      const index = this.mac(certno);
      return { index, sealed: `${VERSION}:${ivs[k]!.toString('hex')}:${ciphertexts[k]!.toString('hex')}:${index}` };
    });
  }

  /** A number's index and its sealed form, from one HMAC. */
  protect(certno: string): { index: string; sealed: string } {
    return this.protectMany([certno])[0]!;
  }

  seal(text: string): string {
    return this.protect(text).sealed;
  }

  open(sealed: string): string {
    const parts = SEALED.exec(sealed);
    if (!parts) throw new IdentityKeyError('身份证号码密文格式不正确');
    const text = this.ctr([Buffer.from(parts[1]!, 'hex')], [Buffer.from(parts[2]!, 'hex')])[0]!.toString('utf8');
    if (!timingSafeEqual(Buffer.from(this.mac(text)), Buffer.from(parts[3]!)))
      throw new IdentityKeyError('身份证号码密文校验失败：密钥不符或密文已被改动');
    return text;
  }

  digest(text: string): string {
    return createHmac('sm3', this.digestKey).update(text, 'utf8').digest('hex');
  }
}
