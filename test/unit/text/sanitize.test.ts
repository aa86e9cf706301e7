import { describe, expect, it } from 'vitest';
import {
  arnResourceIdStart,
  cut,
  cutArnToWidth,
  cutIndex,
  cutToWidth,
  defuseLinks,
  displayWidth,
  forEmail,
  forSlack,
  forSubject,
  forTerminal,
  inCodeBlock,
  inCodeSpan,
  inertMrkdwn,
  narrowestArnWidth,
  oneLine,
  visible,
} from '../../../src/text/sanitize.ts';

describe('visible', () => {
  it('shows C0 and C1 controls, DEL and escape sequences instead of passing them through', () => {
    // Prepare
    const text = 'a\x1b[2Jb\x07c\bd\x00e\x7ff\x85g\x9bh\x1b]8;;http://x\x07link';

    // Act
    const shown = visible(text);

    // Assess
    expect(shown).toBe('a\\x1b[2Jb\\x07c\\x08d\\x00e\\x7ff\\x85g\\x9bh\\x1b]8;;http://x\\x07link');
  });

  it('shows bidi controls, zero-width characters, separators and tag characters', () => {
    // Prepare
    const text = 'x\u202ey\u202a\u2066\u2069\u061c\u200e\u200f\u200b\u200c\u200d\ufeff\u2028\u2029\u{e0041}';

    // Act
    const shown = visible(text);

    // Assess
    expect(shown).toBe(
      'x\\u202ey\\u202a\\u2066\\u2069\\u061c\\u200e\\u200f\\u200b\\u200c\\u200d\\ufeff\\u2028\\u2029\\u{e0041}',
    );
  });

  it('shows a lone surrogate and leaves whole emoji, accents and other scripts alone', () => {
    // Prepare
    const text = 'caf\u00e9 e\u0301 日本語 😀 👨‍👩‍👧 \ud800';

    // Act
    const shown = visible(text);

    // Assess
    // The family emoji's zero-width joiners are shown too: they can hide text as well as join it.
    expect(shown).toBe('café e\u0301 日本語 😀 👨\\u200d👩\\u200d👧 \\ud800');
  });

  it('keeps line breaks and tabs only when asked, reading CRLF as LF and showing a bare CR', () => {
    // Prepare
    const text = 'one\r\ntwo\tthree\rfour\vfive\u2028six';

    // Act
    const single = visible(text);
    const multi = visible(text, { lineBreaks: true });

    // Assess
    expect(single).toBe('one\\x0d\\x0atwo\\x09three\\x0dfour\\x0bfive\\u2028six');
    expect(multi).toBe('one\ntwo\tthree\\x0dfour\\x0bfive\\u2028six');
  });
});

describe('oneLine', () => {
  it('turns line breaks and tabs (with the spaces around them) into one space and shows the rest', () => {
    // Act
    const line = oneLine('first line \r\n  second\t\tthird  fourth\rfifth\u2029sixth');

    // Assess
    expect(line).toBe('first line second third  fourth\\x0dfifth\\u2029sixth');
  });

  it('cannot start a line of its own from a value', () => {
    // Act
    const line = oneLine('bucket\n[2] RESOLVED - CRITICAL - nothing to see');

    // Assess
    expect(line).not.toContain('\n');
    expect(line).toBe('bucket [2] RESOLVED - CRITICAL - nothing to see');
  });
});

describe('defuseLinks', () => {
  it('defuses URLs with a scheme, bare host names, and e-mail addresses', () => {
    // Act
    const text = defuseLinks(
      'see https://evil.example/login, evil.example/x, www.evil.co.uk and ops@acme.example; ftp://10.0.0.1/',
    );

    // Assess
    expect(text).toBe(
      'see https[:]//evil[.]example/login, evil[.]example/x, www[.]evil[.]co[.]uk and ops@acme[.]example; ftp[:]//10.0.0.1/',
    );
  });

  it('counts the dots browsers read as dots', () => {
    // Act
    const text = defuseLinks('evil。example evil｡example ｅｖｉｌ．ｅｘａｍｐｌｅ evil\u2024example');

    // Assess
    expect(text).toBe('evil[.]example evil[.]example ｅｖｉｌ[.]ｅｘａｍｐｌｅ evil[.]example');
  });

  it('leaves versions, file names with architectures, abbreviations and sentences alone', () => {
    // Prepare
    const text = 'Kubernetes 1.30 on CentOS-7-2111-20220825_1.x86_64, e.g. i.e. done. Next.';

    // Act
    const defused = defuseLinks(text);

    // Assess
    expect(defused).toBe(text);
  });

  it('changes nothing the second time', () => {
    // Prepare
    const once = defuseLinks('https://a.example/b?c=d.e and x.y.example');

    // Act
    const twice = defuseLinks(once);

    // Assess
    expect(twice).toBe(once);
  });
});

describe('cut', () => {
  it('keeps text that fits and ends longer text with an ellipsis, at most max long', () => {
    // Act
    const fits = cut('12345678', 8);
    const cutShort = cut('a very long name', 8);

    // Assess
    expect(fits).toBe('12345678');
    expect(cutShort).toBe('a very …');
    expect(cutShort).toHaveLength(8);
  });

  it('never splits a visible escape, an entity or a defused dot', () => {
    // Prepare
    const escaped = visible('abcd\x1bxyz');
    const entity = 'abc&amp;xyz';
    const dot = 'abc[.]xyz';

    // Act
    const cuts = [cut(escaped, 8), cut(escaped, 9), cut(entity, 6), cut(dot, 5)];

    // Assess
    expect(cuts).toEqual(['abcd…', 'abcd\\x1b…', 'abc…', 'abc…']);
  });

  it('never splits a surrogate pair or a grapheme cluster', () => {
    // Act
    const emoji = cut('ab😀cd', 4);
    const family = cut('a👨‍👩‍👧b', 6);
    const accent = cut('xe\u0301yz', 3);

    // Assess
    expect(emoji).toBe('ab…');
    expect(family).toBe('a…');
    expect(accent).toBe('x…');
  });

  it('leaves no code span open in mrkdwn', () => {
    // Prepare
    const text = 'Fix `sg-0123456789`: `aws ec2 revoke`';

    // Act
    const plain = cut(text, 12);
    const mrkdwn = cut(text, 12, { codeSpans: true });

    // Assess
    expect(plain).toBe('Fix `sg-012…');
    expect(mrkdwn).toBe('Fix …');
  });

  it('cuts before a grapheme longer than the limit, and keeps nothing rather than half of one', () => {
    // Prepare
    const zalgo = `z${'\u0301'.repeat(20)}tail`;

    // Act
    const after = cutIndex(`ab${zalgo}`, 5);
    const alone = cut(zalgo, 5);
    const halfEscape = cut(visible('\x1b]8;;'), 3);

    // Assess
    expect(after).toBe(2);
    expect(alone).toBe('…');
    expect(halfEscape).toBe('…');
  });
});

describe('forTerminal', () => {
  it('makes a cell one visible line and cuts it after sanitizing', () => {
    // Prepare
    const computerName = 'host\x1b]0;pwned\x07\u202eexe.txt\nnext';

    // Act
    const cell = forTerminal(computerName, 24);

    // Assess
    expect(cell).toBe('host\\x1b]0;pwned\\x07…');
    expect(cell).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});

describe('forEmail', () => {
  it('keeps the layout the renderer made and defuses links', () => {
    // Act
    const email = forEmail('line one\n  evil.example/x \x1b[2J\n\u202eline three');

    // Assess
    expect(email).toBe('line one\n  evil[.]example/x \\x1b[2J\n\\u202eline three');
  });
});

describe('forSubject', () => {
  it('is ASCII under 100 characters, accents folded, and the part label always kept', () => {
    // Prepare
    const text = `[estatescan] Crème brûlée — ${'日本語 '.repeat(40)}`;

    // Act
    const subject = forSubject(text, ' (2/3)');

    // Assess
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.length).toBeLessThan(100);
    expect(subject.startsWith('[estatescan] Creme brulee - ?')).toBe(true);
    expect(subject.endsWith('... (2/3)')).toBe(true);
  });

  it('shows controls, and defuses links even when full-width letters fold into one', () => {
    // Act
    const subject = forSubject('a\x1b[2Jb ｅｖｉｌ．ｅｘａｍｐｌｅ https://x.example');

    // Assess
    expect(subject).toBe('a\\x1b[2Jb evil[.]example https[:]//x[.]example');
  });

  it('never cuts inside a visible escape', () => {
    // Prepare
    const text = `${'x'.repeat(93)}\x1b\x1b\x1b`;

    // Act
    const subject = forSubject(text);

    // Assess
    expect(subject).toBe(`${'x'.repeat(93)}...`);
  });
});

describe('forSlack', () => {
  it('escapes entities, broadcast mentions and formatting, and defuses links', () => {
    // Act
    const text = forSlack(
      '<!channel> <http://evil.example|click> *bold* _italic_ ~strike~ `code` > quote & @here evil.example/x',
    );

    // Assess
    expect(text).toBe(
      '&lt;!channel&gt; &lt;http[:]//evil[.]example|click&gt; ∗bold∗ ˍitalicˍ ∼strike∼ ˋcodeˋ &gt; quote &amp; ＠here evil[.]example/x',
    );
  });

  it('is one line, visible, and cut after escaping without splitting an entity', () => {
    // Act
    const text = forSlack('a\nb\x1b<<<<', 12);

    // Assess
    expect(text).toBe('a b\\x1b&lt;…');
  });
});

describe('inCodeSpan', () => {
  it('keeps what does not format in code, and escapes what would close the span or act', () => {
    // Act
    const span = inCodeSpan('my_bucket*`x` <!here> https://evil.example');

    // Assess
    expect(span).toBe('`my_bucket*ˋxˋ &lt;!here&gt; https[:]//evil[.]example`');
  });

  it('is never empty', () => {
    // Act
    const span = inCodeSpan('');

    // Assess
    expect(span).toBe('` `');
  });
});

describe('inCodeBlock', () => {
  it('keeps lines, and escapes backticks, entities, controls and links', () => {
    // Act
    const block = inCodeBlock('```\nbreak out\x1b[2J <!channel>\nhttps://evil.example');

    // Assess
    expect(block).toBe('ˋˋˋ\nbreak out\\x1b[2J &lt;!channel&gt;\nhttps[:]//evil[.]example');
  });
});

describe('inertMrkdwn', () => {
  it('changes nothing in what the renderer wrote', () => {
    // Prepare
    const rendered = `*NEW · HIGH* ${forSlack('Title <x> & evil.example')}\n${inCodeSpan('sg-1')}: ${forSlack('a_b')}`;

    // Act
    const again = inertMrkdwn(rendered);

    // Assess
    expect(again).toBe(rendered);
  });

  it('makes raw mrkdwn from another publisher inert', () => {
    // Act
    const text = inertMrkdwn('<!channel> <https://evil.example|login> @everyone\u202e');

    // Assess
    expect(text).toBe('&lt;!channel&gt; &lt;https[:]//evil[.]example|login&gt; ＠everyone\\u202e');
  });
});

describe('terminal columns', () => {
  it('counts one column a grapheme and two for wide ones', () => {
    expect(displayWidth('sg-0123')).toBe(7);
    expect(displayWidth('東京-prod')).toBe(9);
    expect(displayWidth('e\u0301te\u0301')).toBe(3);
    expect(displayWidth('ops 🔥')).toBe(6);
  });

  it('cuts to a number of columns, never inside a wide character or a visible escape', () => {
    expect(cutToWidth('東京大阪', 5)).toBe('東京…');
    expect(cutToWidth(forTerminal('ab\x1bcdef'), 5)).toBe('ab…');
    expect(cutToWidth('short', 5)).toBe('short');
  });

  it('finds the resource id of an ARN after its resource type', () => {
    const start = (arn: string) => arn.slice(arnResourceIdStart(arn) ?? arn.length);
    expect(start('arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc')).toBe('i-0abc');
    expect(start('arn:aws:ecr:eu-west-1:111111111111:repository/team/app')).toBe('team/app');
    expect(start('arn:aws:s3:::acme-prod-logs')).toBe('acme-prod-logs');
    expect(start('arn:aws:lambda:eu-west-1:111111111111:function:scan')).toBe('scan');
    expect(arnResourceIdStart('sg-0123')).toBeUndefined();
  });

  it('cuts an ARN in the middle, keeping its resource id, and never below it', () => {
    // Prepare
    const arn = 'arn:aws:ecs:eu-west-1:111111111111:container-instance/prod/0f3c9d2e7a1b4c58';

    // Act
    const cut30 = cutArnToWidth(arn, 30);
    const cut10 = cutArnToWidth(arn, 10);

    // Assess
    expect(cut30).toBe('arn:aws:…prod/0f3c9d2e7a1b4c58');
    expect(cut30).toHaveLength(30);
    expect(cut10).toBe('…prod/0f3c9d2e7a1b4c58');
    expect(narrowestArnWidth(arn)).toBe(cut10.length);
    expect(cutArnToWidth('i-0123456789abcdef0', 5)).toBe('i-0123456789abcdef0');
    expect(cutArnToWidth(arn, 200)).toBe(arn);
  });
});
