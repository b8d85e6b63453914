/**
 * ID numbers (身份证号码) at rest, as 商用密码应用安全性评估 expects: sealed with SM4 (GB/T 32907), found through an
 * HMAC-SM3 index (GB/T 32905), never stored in clear.
 *
 * One 32-byte key, the ID key, from SANBAO_ID_KEY (64 hex digits) or, for the embedded database, a file generated
 * once in the data folder (`id-key.secret`, owner-only). Subkeys are derived from it with HMAC-SM3, one per use
 * (the class IdentityKey, in identity-key.ts):
 *
 * - index: `certnoIndex(certno)` = HMAC-SM3(index key, certno upper-cased), its first 128 bits in hex. Equal
 *   numbers give equal indexes, so it is what persons are looked up and kept unique by; without the key it cannot be
 *   computed from a guess.
 * - sealing: `sealCertno(certno)` = `v1:<iv>:<ciphertext>:<tag>` (hex): SM4-CTR under the encryption key with a
 *   random 16-byte IV per value; the tag is the number's index, the HMAC-SM3 of the plaintext (encrypt-and-MAC: the
 *   tag tells only what the index column tells anyway, that two values hold the same number, and a row's index and
 *   tag come from one HMAC, which keeps a million-row ledger import fast). Two sealings of one number differ;
 *   `openCertno` decrypts, recomputes the HMAC and refuses a value whose tag does not match (another key, a changed
 *   byte) instead of returning garbage.
 * - message digests: `messageDigest(text)`, HMAC-SM3 under its own key, recognises a resent HIS message.
 * - fingerprint: kept in the database (table identity_key): a platform started with another key refuses to start.
 *
 * The key is loaded once per process, at start (platform, CLI, benchmarks, test set-up), and installed here with
 * `useIdentityKey`: the functions above are called from deep inside HIS transactions, ledger imports, reports and the
 * demo, and a process has one key, so it is held in this one place instead of being passed through every call. A
 * call before a key is installed throws. Rotation is not supported yet (docs/OPERATIONS.md).
 */
import { join } from 'node:path';
import { maskIdNumber } from '@sanbao/core';
import { createSecretFile, readSecretFile } from '../secret-file.js';
import { ID_KEY_VARIABLE, IdentityKey, IdentityKeyError } from './identity-key.js';

// Re-exported: the start, protect.ts, the tests and the package's index import the key's class from here.
export { ID_KEY_VARIABLE, IdentityKey, IdentityKeyError } from './identity-key.js';

/** The file of the embedded database's data folder the key is generated into when the variable is unset. */
export const ID_KEY_FILE = 'id-key.secret';

let installed: IdentityKey | undefined;

/** Installs the process's ID key (at start, once; a test may install its own). */
export function useIdentityKey(key: IdentityKey): void {
  installed = key;
}

/** The installed ID key; throws when none was installed. */
export function identityKey(): IdentityKey {
  if (!installed) throw new IdentityKeyError('身份证号码密钥未载入（启动时应先调用 useIdentityKey）');
  return installed;
}

/** HMAC-SM3 index of an ID number (upper-cased first), hex: what persons are looked up and kept unique by. */
export const certnoIndex = (certno: string): string => identityKey().index(certno);
/** An ID number sealed with SM4 (random IV, HMAC-SM3 tag): `v1:<iv>:<ciphertext>:<tag>`. */
export const sealCertno = (certno: string): string => identityKey().seal(certno);
/** The ID number of a sealed value; throws IdentityKeyError when the tag does not verify. */
export const openCertno = (sealed: string): string => identityKey().open(sealed);
/** The masked ID number of a sealed value (341602********1238), for lists, reports and exports. */
export const maskedCertno = (sealed: string): string => maskIdNumber(openCertno(sealed));
/** Keyed digest (HMAC-SM3) of a text, e.g. a HIS message's content. */
export const messageDigest = (text: string): string => identityKey().digest(text);

/** An 18-character GB 11643-looking number standing on its own (not inside a longer run of letters and digits). */
export const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const HOLDS_ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const SEALED_ID = /sm4:(v1:[0-9a-f]{32}:[0-9a-f]*:[0-9a-f]{32})/g;

/**
 * A text with every ID-number-looking part replaced by `sm4:<sealed>`. The replacement holds only [0-9a-f:v]:
 * inside a JSON string it needs no escaping; and sealing twice changes nothing more (no part of a sealed value is a
 * standalone 18-character run).
 */
export function sealIdNumbers(text: string): string {
  if (!HOLDS_ID_NUMBER.test(text)) return text;
  const key = identityKey();
  return text.replace(ID_NUMBER, (id) => `sm4:${key.seal(id)}`);
}

/**
 * A JSON document (as text) with the ID numbers in its strings and keys sealed (sealIdNumbers); a number whose digits
 * look like one (an ID sent as a JSON number) becomes the string of its sealed digits. The document stays valid JSON.
 */
export function sealIdNumbersInJson(json: string): string {
  if (!HOLDS_ID_NUMBER.test(json)) return json;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return sealIdNumbers(value);
    if (typeof value === 'number') return HOLDS_ID_NUMBER.test(String(value)) ? sealIdNumbers(String(value)) : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [sealIdNumbers(name), walk(item)]));
    return value;
  };
  return JSON.stringify(walk(JSON.parse(json)));
}

/**
 * The reverse of sealIdNumbers (and of sealIdNumbersInJson, but for numbers): each `sm4:<sealed>` opened again; one
 * that does not open is left as it is.
 */
export function openIdNumbers(text: string): string {
  if (!text.includes('sm4:v1:')) return text;
  const key = identityKey();
  return text.replace(SEALED_ID, (whole, sealed: string) => {
    try {
      return key.open(sealed);
    } catch {
      return whole;
    }
  });
}

/** A text with each ID number in it shown masked (341602********1238): clear ones, and whatever was sealed. */
export function maskIdNumbers(text: string): string {
  const opened = text.includes('sm4:v1:')
    ? text.replace(SEALED_ID, (whole, sealed: string) => {
        try {
          return maskIdNumber(identityKey().open(sealed));
        } catch {
          return whole;
        }
      })
    : text;
  return opened.replace(ID_NUMBER, (id) => maskIdNumber(id));
}

export interface LoadedIdentityKey {
  key: IdentityKey;
  /** Where it came from: the variable, the data folder's file, or a file generated now. */
  source: 'environment' | 'file' | 'generated';
  /** The key file, for the two last. */
  file?: string;
}

/**
 * The ID key for a start: SANBAO_ID_KEY when set; otherwise, with the embedded database (no DATABASE_URL), the key
 * file of its data folder, generated on first use. With an external database and no key it refuses (IdentityKeyError,
 * in Chinese): a key generated on one machine would not be the one of the data.
 */
export function loadIdentityKey(config: {
  idKey?: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
}): LoadedIdentityKey {
  if (config.idKey !== undefined) return { key: IdentityKey.fromHex(config.idKey), source: 'environment' };
  if (config.databaseUrl !== undefined)
    throw new IdentityKeyError(
      `使用外部数据库（DATABASE_URL）时必须设置 ${ID_KEY_VARIABLE}：身份证号码加密与索引的密钥，64 位十六进制字符（32 字节，可用 openssl rand -hex 32 生成）。` +
        '密钥须随数据一并备份、与数据分开保管；丢失后已存储的身份证号码无法解密',
    );
  const file = join(config.dataDir, ID_KEY_FILE);
  const existing = readSecretFile(file);
  if (existing !== undefined) {
    try {
      return { key: IdentityKey.fromHex(existing), source: 'file', file };
    } catch {
      throw new IdentityKeyError(`身份证号码密钥文件 ${file} 内容不正确：应为 64 位十六进制字符`);
    }
  }
  return {
    key: IdentityKey.fromHex(createSecretFile(file, `${IdentityKey.generateHex()}\n`)),
    source: 'generated',
    file,
  };
}

/**
 * What identifies a message's content: the transaction and its input, in a canonical form (keys sorted). The
 * envelope's own fields (inf_time, opter_name, sign_no …) may change on a resend without changing what is asked.
 * Keyed (HMAC-SM3 under the ID key's digest key): the stored message has its ID numbers sealed, and an unkeyed hash
 * of it would let anyone holding the row find them by trying the candidates.
 */
export function requestDigest(envelope: { infno: string; input: unknown }): string {
  return messageDigest(canonicalJson({ infno: envelope.infno, input: envelope.input }));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
