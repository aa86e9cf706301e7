/**
 * Text for people. Resource names, tags, messages, evidence and AWS error text are written by whoever
 * controls a member account or an on-premises host (`ComputerName` is whatever the host says), so
 * every sink that shows them to a person takes them through this module:
 *
 * - **Invisible and active characters are shown, never passed through.** C0 and C1 controls, DEL
 *   (Unicode `Cc`), format characters (`Cf`: bidi controls U+200E/F, U+202A–E, U+2066–9, U+061C;
 *   zero-width U+200B–D, U+FEFF; tag characters), line and paragraph separators (U+2028, U+2029)
 *   and lone surrogates become `\x1b`, `\u202e`, `\u{e0041}`. Backslashes are left alone: a literal
 *   `\x1b` in the input reads the same, and is as harmless.
 * - **Single-line values stay on one line.** Runs of whitespace holding a line break or a tab
 *   become one space (what a reader expects of a message); a bare `\r`, `\v`, `\f` or U+2028 is
 *   shown as above.
 * - **Links are defused** in email and chat: `://` becomes `[:]//`, and the dots of a host name
 *   (a dotted run with a later label that starts with two letters: `evil.example/x`, `www.x.org`,
 *   `a@b.example`, with `．` `。` `｡` counted as dots) become `[.]`, in code spans too. Version
 *   numbers (`1.30`), architectures (`1.x86_64`) and `e.g.` are left alone.
 * - **Chat formatting is escaped** (Slack mrkdwn, which Chatbot's client markdown is in Slack):
 *   `&`, `<`, `>` as entities (so `<!channel>` and `<http://x|y>` are text), `*` `_` `~` and the
 *   backtick as look-alikes (`∗` `ˍ` `∼` `ˋ`; mrkdwn has no escape character), `@channel`,
 *   `@here` and `@everyone` with a full-width `＠`. Values meant to be copied (resource ids, CLI
 *   commands) go in code spans instead, where only the backtick and the entities need escaping.
 * - **Cutting comes last**, on grapheme boundaries, never inside a visible escape, an entity or a
 *   defused dot, and for mrkdwn never inside a code span.
 *
 * HTML (`report/html.ts`) and CSV (`cli/table.ts`) do their own escaping on top of `visible`.
 */

/** Everything `visible` shows as an escape (with the `u` flag, `\p{Cs}` matches lone surrogates). */
const hidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

export interface VisibleOptions {
  /**
   * Keep `\n` and `\t` (and read `\r\n` as `\n`): for sinks that lay out several lines themselves
   * (email body, CSV cells, HTML), where a line break in a value cannot start a forged line of its
   * own because the value was made one line first, or is shown in a quoted cell or a `<pre>`.
   */
  lineBreaks?: boolean;
}

/** Controls, bidi, zero-width and separator characters as visible escapes (`\x1b`, `\u202e`). */
export function visible(text: string, options: VisibleOptions = {}): string {
  const keep = options.lineBreaks === true;
  const source = keep ? text.replace(/\r\n/g, '\n') : text;
  return source.replace(hidden, (c) => (keep && (c === '\n' || c === '\t') ? c : escapeOf(c)));
}

function escapeOf(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** One line: whitespace around a line break or tab becomes one space, then `visible`. */
export function oneLine(text: string): string {
  // One pass over whitespace runs (a pattern like `\s*\n\s*` backtracks quadratically on long runs).
  const collapsed = text
    .replace(/\r\n/g, '\n')
    .replace(/[ \t\n]+/g, (run) => (run.includes('\n') || run.includes('\t') ? ' ' : run));
  return visible(collapsed);
}

/**
 * Dotted runs of label characters (letters with their marks, digits, `_`, `-`), each matched once
 * from its start (the lookbehind keeps the search linear). Dots: `.` and the characters browsers
 * read as one in host names (`。` `｡` `．`) or that normalize to one (`․` `﹒`).
 */
const dottedRun =
  /(?<![\p{L}\p{M}\p{N}_-])[\p{L}\p{M}\p{N}_-]+(?:[.\u2024\ufe52\uff0e\u3002\uff61][\p{L}\p{M}\p{N}_-]+)+/gu;
const dot = /[.\u2024\ufe52\uff0e\u3002\uff61]/g;
/**
 * A label that could hold a top-level domain: one that starts with two letters (`com`, `рф`, and
 * `comX9`, which a linkifier may still cut after `com`), or punycode (`xn--p1ai`).
 */
const topLevel = /^(?:\p{L}\p{M}*\p{L}|xn--)/iu;

/**
 * Links that nothing will follow: `https://evil.example/x` (or with a full-width `：／／`) →
 * `https[:]//evil[.]example/x`, `evil.example/x` → `evil[.]example/x`, `ops@acme.example` →
 * `ops@acme[.]example`. Applying it twice changes nothing.
 */
export function defuseLinks(text: string): string {
  return text.replace(/[:\uff1a\ufe13\ufe55][/\uff0f]{2}/g, '[:]//').replace(dottedRun, (run) => {
    // Compatibility forms count as what they look like (`ﬁ` is `fi`, a two-letter label).
    const labels = run.split(dot).slice(1);
    return labels.some((label) => topLevel.test(label.normalize('NFKC'))) ? run.replace(dot, '[.]') : run;
  });
}

// ---------------------------------------------------------------------------------------------
// Cutting

/**
 * What a cut must not split: visible escapes, mrkdwn entities and defused links' brackets.
 * (Longest: `\u{10ffff}`, 10 characters.)
 */
const atom = /\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\u\{[0-9a-f]{1,6}\}|&(?:amp|lt|gt);|\[[.:]\]/g;
const ATOM_MAX = 10;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export interface CutOptions {
  /** The text is mrkdwn: never leave a code span open (its content is not escaped for outside). */
  codeSpans?: boolean;
}

/**
 * Where to cut `text` to keep at most `limit` UTF-16 units: the last grapheme boundary at or before
 * `limit` that is not inside a visible escape, an entity or a defused dot (nor, with `codeSpans`,
 * inside a code span, unless the text starts with one longer than the limit). 0 when nothing fits.
 */
export function cutIndex(text: string, limit: number, options: CutOptions = {}): number {
  if (text.length <= limit) return text.length;
  if (limit <= 0) return 0;
  // Atoms are disjoint and in order, and so are the grapheme ends: one pass over both.
  const atoms = [...text.slice(0, limit + ATOM_MAX).matchAll(atom)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  let next = 0;
  let best = 0;
  // A boundary at `limit` depends on the code point after it: segment one code point further.
  for (const { index, segment } of graphemes.segment(text.slice(0, limit + 2))) {
    const end = index + segment.length;
    if (end > limit) break;
    while (next < atoms.length && (atoms[next]?.end ?? 0) <= end) next++;
    if ((atoms[next]?.start ?? end) >= end) best = end;
  }
  if (options.codeSpans) {
    const kept = text.slice(0, best);
    if ((kept.match(/`/g)?.length ?? 0) % 2 === 1) {
      const open = kept.lastIndexOf('`');
      if (open > 0) best = open;
    }
  }
  return best;
}

/** At most `max` UTF-16 units, ending with `…` when it was longer; see `cutIndex` for where. */
export function cut(text: string, max: number, options: CutOptions = {}): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return `${text.slice(0, cutIndex(text, max - 1, options))}…`;
}

// ---------------------------------------------------------------------------------------------
// Terminal columns

/**
 * East Asian wide and full-width characters and emoji, which a terminal draws two columns wide
 * (Unicode's East_Asian_Width W and F, which JavaScript has no property escape for: the blocks
 * that hold them).
 */
const wide =
  /^(?:\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}])/u;

/**
 * How many terminal columns `text` takes: one per grapheme (a letter with its combining marks is
 * one), two for wide ones. For text that went through `visible` or `oneLine`: nothing invisible
 * is left to count as zero.
 */
export function displayWidth(text: string): number {
  // ASCII, by far the most common case, is one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += wide.test(segment) ? 2 : 1;
  return width;
}

/** The longest prefix (in UTF-16 units, on a grapheme boundary) that takes at most `columns`. */
function prefixForColumns(text: string, columns: number): number {
  let width = 0;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    width += wide.test(segment) ? 2 : 1;
    if (width > columns) break;
    end = index + segment.length;
  }
  return end;
}

/**
 * At most `columns` terminal columns, ending with `…` when it was wider; cut like `cut`: on a
 * grapheme boundary, never inside a visible escape.
 */
export function cutToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  if (columns < 1) return '';
  return `${text.slice(0, cutIndex(text, prefixForColumns(text, columns - 1)))}…`;
}

/** `arn:partition:service:region:account:` then the resource. */
const arnPattern = /^arn:[\w-]+:[\w-]*:[\w-]*:[\w-]*:(.+)$/;

/**
 * Where the resource id of an ARN starts: after its resource type (`instance/`, `repository/`,
 * `container-instance/`, `function:`), or the whole resource part when it has none (an S3 bucket).
 * `undefined` when `text` is not an ARN.
 */
export function arnResourceIdStart(text: string): number | undefined {
  const match = arnPattern.exec(text);
  if (!match?.[1]) return undefined;
  const resource = match[1];
  const start = text.length - resource.length;
  const typed = /^[a-zA-Z][\w-]*[/:](?=.)/.exec(resource);
  return typed ? start + typed[0].length : start;
}

/**
 * Fewest columns `cutArnToWidth` can cut an ARN to: `…` and its whole resource id. For text that
 * is not an ARN, its whole width: an identifier is never cut.
 */
export function narrowestArnWidth(text: string): number {
  const start = arnResourceIdStart(text);
  const full = displayWidth(text);
  return start === undefined ? full : Math.min(full, 1 + displayWidth(text.slice(start)));
}

/**
 * An ARN cut in the middle to at most `columns` (never below `narrowestArnWidth`): as much of its
 * beginning as fits, `…`, and its resource id whole, which is what tells two rows apart
 * (`arn:aws:ecs:eu-west-1:1111…:container-instance/prod/0f3c…` hid it; this gives
 * `arn:aws:ecs:eu-west-1:11…prod/0f3c9d2e7a1b4c58`). Text that is not an ARN is returned whole.
 */
export function cutArnToWidth(text: string, columns: number): string {
  const start = arnResourceIdStart(text);
  if (start === undefined || displayWidth(text) <= columns) return text;
  const tail = text.slice(start);
  const room = Math.max(0, columns - 1 - displayWidth(tail));
  // The resource id starts after a `/` or `:`, which no visible escape contains: only the head
  // needs a safe cut.
  return `${text.slice(0, cutIndex(text.slice(0, start), prefixForColumns(text, room)))}…${tail}`;
}

// ---------------------------------------------------------------------------------------------
// Sinks

/** A table cell, a progress line, a line on stderr: one line, visible, cut to `max`. */
export function forTerminal(text: string, max = Number.POSITIVE_INFINITY): string {
  return cut(oneLine(text), max);
}

/**
 * The plain-text email body (also SNS's `default`), which the renderer lays out in lines: every
 * value in it already went through `oneLine`; this shows what is left and defuses links.
 */
export function forEmail(text: string): string {
  return defuseLinks(visible(text, { lineBreaks: true }));
}

/** SNS: the subject must be ASCII, without line breaks, and less than 100 characters. */
export const SUBJECT_MAX_LENGTH = 99;

/**
 * An email subject: one line, links defused, accents stripped (é → e), a few letters spelled out
 * (ß → ss), any other character `?`, cut with `...` so that `suffix` (a part label) always
 * survives, under 100 ASCII characters. Links are defused after folding, so that full-width
 * `ｅｖｉｌ．ｅｘａｍｐｌｅ` cannot fold into a link.
 */
export function forSubject(text: string, suffix = ''): string {
  const ascii = defuseLinks(
    oneLine(text)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[ßæœøłđþ‘’“”–—…]/g, (c) => transliterations[c] ?? '?')
      .replace(/\s+/g, ' ')
      .replace(/[^\x20-\x7e]+/g, '?'),
  ).trim();
  const max = SUBJECT_MAX_LENGTH - suffix.length;
  if (ascii.length <= max) return ascii + suffix;
  return `${ascii.slice(0, cutIndex(ascii, max - 3)).trimEnd()}...${suffix}`;
}

const transliterations: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  þ: 'th',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
  '…': '...',
};

/** mrkdwn has no escape character: formatting characters become look-alikes that do not format. */
const mrkdwnLookalikes = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' } as const;
type MrkdwnCharacter = keyof typeof mrkdwnLookalikes;
const broadcast = /@(channel|here|everyone)\b/gi;

/** Slack's three entities, and broadcast mentions that would notify a whole channel. */
function slackEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(broadcast, '＠$1');
}

/**
 * A value inside Slack mrkdwn (and so in a Chatbot notification, whose client markdown Slack
 * renders as mrkdwn), outside a code span: one line, links defused, entities and formatting
 * escaped, cut to `max` after escaping.
 */
export function forSlack(text: string, max = Number.POSITIVE_INFINITY): string {
  const escaped = slackEntities(defuseLinks(oneLine(text))).replace(
    /[*_~`]/g,
    (c) => mrkdwnLookalikes[c as MrkdwnCharacter],
  );
  return cut(escaped, max);
}

/**
 * A value to copy (resource id, CLI command) as an mrkdwn code span: nothing formats inside one, so
 * `*` and `_` stay; a backtick would close it and becomes `ˋ`. Links are defused here too, like
 * everywhere else in chat.
 */
export function inCodeSpan(text: string, max = 500): string {
  const inner = slackEntities(defuseLinks(oneLine(text))).replace(/`/g, mrkdwnLookalikes['`']);
  return `\`${cut(inner, max) || ' '}\``;
}

/**
 * The content of a preformatted (```) block for text of unknown origin: line breaks kept, every
 * other invisible character shown, links defused, backticks (which would close the block) and
 * entities escaped.
 */
export function inCodeBlock(text: string): string {
  return slackEntities(defuseLinks(visible(text, { lineBreaks: true }))).replace(/`/g, mrkdwnLookalikes['`']);
}

/**
 * mrkdwn that should already be safe (a Chatbot notification from the topic) made inert again
 * without undoing its formatting: invisible characters shown, raw `<` and `>` (which the renderer
 * never writes) escaped, so `<!channel>` or `<http://x|y>` from another publisher stay text, links
 * and broadcast mentions defused. Applying it to the renderer's own output changes nothing.
 */
export function inertMrkdwn(text: string): string {
  return defuseLinks(visible(text, { lineBreaks: true }))
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(broadcast, '＠$1');
}

/**
 * mrkdwn (a Chatbot notification's title or summary) as words for a plain_text field or a
 * notification preview: formatting markers out, entities back to their characters, whitespace
 * runs as one space. Not a sanitizer on its own: the caller then takes the text through `oneLine`
 * and `defuseLinks` (or `forSlack`), as for any other value.
 */
export function plainFromMrkdwn(markdown: string): string {
  return (
    markdown
      .replace(/[*`~]/g, '')
      // `_italic_` markers only: underscores inside words and `:emoji_codes:` stay.
      .replace(/(^|\s)_+|_+(?=\s|$)/g, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
