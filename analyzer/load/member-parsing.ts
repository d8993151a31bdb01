import type { Parser, ParseContext } from '../parsers/types.js';
import type { MemberBody } from './member-body.js';
import type { NodeErrorLog } from './node-error-log.js';
import type { MemberSeen } from './node-state.js';
import type { ParsedRowSink } from './parsed-row-sink.js';
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

/**
 * Gives a data member (command output or collected file) to its source's parser: a TextParser
 * gets the whole text (up to the text limit), a StreamParser the chunks as they are read. A parser
 * that throws loses its member only; rows a StreamParser yielded before are kept.
 */
export class MemberParsing {
  constructor(
    private readonly registry: AnalyzerRegistry,
    private readonly sink: ParsedRowSink,
    private readonly errors: NodeErrorLog,
    private readonly textLimit: number,
  ) {}

  /** Parses (or, without a parser, just reads) the member; sets seen.parsed, seen.rows, seen.failure. */
  async parse(body: MemberBody, declared: number, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    const parser: Parser | undefined = this.registry.parserFor(seen.place.source);
    if (!parser) {
      await body.drain();
      return;
    }
    this.sink.beginMember(seen.member, seen.place.source);
    try {
      if (parser.kind === 'text') await this.parseText(parser, body, declared, seen, ctx);
      else await this.parseStream(parser, body, seen, ctx);
    } finally {
      seen.rows = this.sink.endMember();
    }
  }

  private async parseText(parser: Extract<Parser, { kind: 'text' }>, body: MemberBody, declared: number, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    const text = await this.collectText(body, declared, seen);
    if (text === null) return;
    try {
      this.sink.addAll(parser.parse(text, ctx));
      seen.parsed = 1;
    } catch (err) {
      this.parserFailed(seen, err);
    }
  }

  /** The member as text; its bytes are garbage once decoded (a 64 MiB dump is not held twice while it is parsed). */
  private async collectText(body: MemberBody, declared: number, seen: MemberSeen): Promise<string | null> {
    const data = await body.collect(declared, this.textLimit);
    if (data === null) {
      seen.parsed = 0;
      if (body.readError) return null; // reported by the caller, with the member
      seen.failure = `larger than the ${this.textLimit}-byte text limit; not parsed`;
      this.errors.record('limit', seen.member, `${body.bytes} bytes, ${seen.failure}`);
      return null;
    }
    return decodeText(data);
  }

  private async parseStream(parser: Extract<Parser, { kind: 'stream' }>, body: MemberBody, seen: MemberSeen, ctx: ParseContext): Promise<void> {
    try {
      for await (const pair of parser.parse(body, ctx)) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'string') {
          this.parserFailed(seen, new Error('yielded something other than [table, row]'));
          await body.drain();
          return;
        }
        this.sink.add(pair[0], pair[1]);
      }
      seen.parsed = body.readError ? 0 : 1;
    } catch (err) {
      // a broken archive surfaces inside the parser's loop: that is the archive's fault, reported by the caller
      if (!body.readError) this.parserFailed(seen, err);
    }
    await body.drain();
  }

  private parserFailed(seen: MemberSeen, err: unknown): void {
    seen.parsed = 0;
    seen.failure = `${seen.place.source} parser failed: ${errorMessage(err)}`;
    this.errors.record('parse', seen.member, seen.failure);
  }
}
