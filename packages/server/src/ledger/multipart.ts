/**
 * The file of a browser form upload (`multipart/form-data`, RFC 7578): one file, in a field of any name. Only what
 * the ledger upload needs: the body is already in memory (within the route's body limit), parts are found with
 * Buffer.indexOf, and the file's bytes are a view of the body, not a copy.
 */

export interface FormFile {
  /** The form field's name. */
  field: string;
  /** The file's name as the browser sent it (null for a plain field). */
  fileName: string | null;
  bytes: Buffer;
}

/** A body that is not a well-formed form, or a form without exactly one file: the message says which. */
export class MultipartError extends Error {
  constructor(
    readonly code: 'LEDGER_MULTIPART' | 'LEDGER_EMPTY',
    message: string,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary parameter of a multipart content type (quoted or not), or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? null;
  return boundary !== null && boundary.length <= 70 ? boundary : null;
}

/**
 * A parameter of a Content-Disposition header: `name*=UTF-8''…` (RFC 5987), quoted (browsers escape " and line breaks
 * as %22, %0D, %0A, and send other characters as UTF-8) or bare.
 */
function parameter(header: string, name: string): string | null {
  const extended = new RegExp(`;\\s*${name}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // Not percent-encoding after all: fall back to the plain parameter.
    }
  }
  const match = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header);
  if (!match) return null;
  if (match[1] === undefined) return match[2]!.trim();
  return match[1].replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** Every part of a multipart body: its Content-Disposition parameters and its bytes. */
export function formParts(body: Buffer, boundary: string): FormFile[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const broken = (why: string): MultipartError =>
    new MultipartError('LEDGER_MULTIPART', `表单格式错误（multipart/form-data）：${why}，请重新选择文件上传`);
  // The first delimiter opens the body or follows a preamble's line break.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(Buffer.from(`\r\n--${boundary}`));
  if (at < 0) throw broken('找不到分隔符');
  if (at > 0) at += 2;
  const parts: FormFile[] = [];
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // the close delimiter
    while (body[at] === 0x20 || body[at] === 0x09) at++; // transport padding
    if (!body.subarray(at, at + 2).equals(CRLF)) throw broken('分隔符后应换行');
    at += 2;
    const headersEnd = body.indexOf(HEADERS_END, at - 2);
    if (headersEnd < 0) throw broken('分段缺少头部');
    const headers = body.subarray(at, headersEnd).toString('utf8').split('\r\n');
    const start = headersEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start - 2);
    if (next < 0) throw broken('内容不完整（缺少结束分隔符），可能未上传完');
    const disposition = headers.find((line) => /^content-disposition\s*:/i.test(line)) ?? '';
    parts.push({
      field: parameter(disposition, 'name') ?? '',
      // Old browsers sent the whole path: the name is what follows the last separator.
      fileName: parameter(disposition, 'filename')?.replace(/^.*[\\/]/, '') ?? null,
      bytes: body.subarray(start, Math.max(start, next)),
    });
    at = next + 2;
  }
}

/**
 * The one file of a form: the part that has a file name (parts without one are plain fields and are ignored), or
 * the only part of a form of one part. No file, or two files, is refused.
 */
export function formFile(body: Buffer, contentType: string): FormFile {
  const boundary = boundaryOf(contentType);
  if (!boundary) {
    throw new MultipartError(
      'LEDGER_MULTIPART',
      '表单格式错误（multipart/form-data）：Content-Type 中缺少 boundary 参数',
    );
  }
  const parts = formParts(body, boundary);
  // A file input left empty sends a part with an empty file name and no content.
  const files = parts.filter((part) => part.fileName !== null && !(part.fileName === '' && part.bytes.length === 0));
  if (files.length > 1) {
    throw new MultipartError(
      'LEDGER_MULTIPART',
      `表单中有 ${files.length} 个文件（${files.map((file) => file.fileName || file.field).join('、')}），每次只能上传一个台账文件`,
    );
  }
  const file = files[0] ?? (parts.length === 1 ? parts[0] : undefined);
  if (!file || file.bytes.length === 0) throw new MultipartError('LEDGER_EMPTY', '表单中没有台账文件（或文件为空）');
  return file;
}
