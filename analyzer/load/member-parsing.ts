import type { Parser, ParseContext, StreamParser, TextParser } from '../parsers/types.js';
import type { MemberBody } from './member-body.js';
import type { NodeErrorLog } from './node-error-log.js';
import type { MemberSeen } from './node-state.js';
import type { MemberErrors, ParsedRowSink } from './parsed-row-sink.js';
import type { AnalyzerRegistry } from './registry.js';

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** UTF-8 text with a leading byte order mark removed (Windows editors add one to hand-edited configs). */
export function decodeText(data: Buffer): string {
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  return data.toString('utf8', bom ? 3 : 0);
}

export interface ParseResult {
  /** 1 parsed, 0 the parser failed, null not parsed (the archive broke under a stream parser). */
  parsed: 0 | 1 | null;
  failure: string | null;
}

function failedResult(source: string, member: string, errors: MemberErrors, err: unknown): ParseResult {
  const failure = `${source} parser failed: ${errorMessage(err)}`;
  errors.record('parse', member, failure);
  return { parsed: 0, failure };
}

/** Runs a TextParser over a member's text into `sink`. A parser that throws loses its member only. */
export function runTextParser(parser: TextParser, text: string, ctx: ParseContext, sink: ParsedRowSink, errors: MemberErrors): ParseResult {
  try {
    sink.addAll(parser.parse(text, ctx));
    return { parsed: 1, failure: null };
  } catch (err) {
    return failedResult(ctx.source, ctx.member, errors, err);
  }
}

/**
 * Runs a StreamParser over `chunks` into `sink`; rows it yielded before failing are kept.
 * `broken()`: the archive failed under it (then the failure is the archive's, reported by the
 * caller). The caller drains whatever the parser left unread.
 */
export async function runStreamParser(
  parser: StreamParser,
  chunks: AsyncIterable<Buffer>,
  ctx: ParseContext,
  sink: ParsedRowSink,
  errors: MemberErrors,
  broken: () => boolean,
): Promise<ParseResult> {
  try {
    for await (const pair of parser.parse(chunks, ctx)) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string') {
        return failedResult(ctx.source, ctx.member, errors, new Error('yielded something other than [table, row]'));
      }
      sink.add(pair[0], pair[1]);
    }
    return { parsed: broken() ? 0 : 1, failure: null };
  } catch (err) {
    // a broken archive surfaces inside the parser's loop: that is the archive's fault, reported by the caller
    return broken() ? { parsed: null, failure: null } : failedResult(ctx.source, ctx.member, errors, err);
  }
}

/**
 * Gives a data member (command output or collected file) to its source's parser: a TextParser
 * gets the whole text (up to the text limit), a StreamParser the chunks as they are read. A parser
 * that throws loses its member only; rows a StreamParser yielded before are kept. With a parse
 * thread (`remote`), the member's bytes go there instead and its results are applied later, in
 * member order, by `ordered` (see NodeLoad).
 */
export class MemberParsing {
  constructor(
    private readonly registry: AnalyzerRegistry,
    private readonly sink: ParsedRowSink,
    private readonly errors: NodeErrorLog,
    private readonly textLimit: number,
    private readonly remote?: RemoteParsing,
  ) {}

  /** Parses (or, without a parser, just reads) the member; sets seen.parsed, seen.rows, seen.failure. */
  async parse(body: MemberBody, declared: number, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    const parser: Parser | undefined = this.registry.parserFor(seen.place.source);
    if (!parser) {
      await body.drain();
      return;
    }
    if (this.remote && (await this.remote.parse(parser, body, declared, seen, ctx))) return;
    this.sink.beginMember(seen.member, seen.place.source);
    try {
      if (parser.kind === 'text') await this.parseText(parser, body, declared, seen, ctx);
      else await this.parseStream(parser, body, seen, ctx);
    } finally {
      seen.rows = this.sink.endMember();
    }
  }

  private async parseText(parser: TextParser, body: MemberBody, declared: number, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    const data = await body.collect(declared, this.textLimit);
    if (data === null) {
      textNotParsed(body, seen, this.textLimit, this.errors);
      return;
    }
    Object.assign(seen, runTextParser(parser, decodeText(data), ctx, this.sink, this.errors));
  }

  private async parseStream(parser: StreamParser, body: MemberBody, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    const result = await runStreamParser(parser, body, ctx, this.sink, this.errors, () => body.readError !== null);
    if (result.parsed !== null) Object.assign(seen, result);
    await body.drain();
  }
}

/** A text member that could not be given to its parser: over the text limit, or unreadable. */
export function textNotParsed(body: MemberBody, seen: MemberSeen, textLimit: number, errors: MemberErrors): void {
  seen.parsed = 0;
  if (body.readError) return; // reported by the caller, with the member
  seen.failure = `larger than the ${textLimit}-byte text limit; not parsed`;
  errors.record('limit', seen.member, `${body.bytes} bytes, ${seen.failure}`);
}

/** The parse thread's side of MemberParsing (see remote-parsing.ts). */
export interface RemoteParsing {
  /** Takes the member (returns true) or leaves it to this thread (false: e.g. the parse thread died). */
  parse(parser: Parser, body: MemberBody, declared: number, seen: MemberSeen, ctx: ParseContext): Promise<boolean>;
}
