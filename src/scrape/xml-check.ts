// htmlparser2 (under cheerio) repairs broken XML silently, which would turn a truncated or corrupted
// feed into a plausible-looking partial one. This scan rejects what an XML parser would reject at the
// tag level: unbalanced or mismatched elements, unterminated markup, a stray "<", several roots.

const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/u;

export class MalformedXml extends Error {
  override name = 'MalformedXml';
}

function endOf(xml: string, from: number, terminator: string, what: string): number {
  const at = xml.indexOf(terminator, from);
  if (at === -1) throw new MalformedXml(`unterminated ${what} at offset ${from}`);
  return at + terminator.length;
}

/** End of a start or end tag, skipping ">" inside quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') throw new MalformedXml(`"<" inside a tag at offset ${i}`);
    else if (c === '>') return i + 1;
  }
  throw new MalformedXml(`unterminated tag at offset ${from}`);
}

export function assertWellFormedXml(xml: string): void {
  const open: string[] = [];
  let roots = 0;
  let i = 0;
  while ((i = xml.indexOf('<', i)) !== -1) {
    if (xml.startsWith('<!--', i)) i = endOf(xml, i + 4, '-->', 'comment');
    else if (xml.startsWith('<![CDATA[', i)) i = endOf(xml, i + 9, ']]>', 'CDATA section');
    else if (xml.startsWith('<?', i)) i = endOf(xml, i + 2, '?>', 'processing instruction');
    else if (xml.startsWith('<!', i)) {
      const close = xml.indexOf('>', i);
      const subset = xml.indexOf('[', i);
      i = subset !== -1 && subset < close ? endOf(xml, subset, ']>', 'DOCTYPE') : endOf(xml, i, '>', 'declaration');
    } else if (xml[i + 1] === '/') {
      const name = NAME.exec(xml.slice(i + 2, i + 260))?.[0];
      if (!name) throw new MalformedXml(`bad end tag at offset ${i}`);
      const expected = open.pop();
      if (expected !== name) throw new MalformedXml(`</${name}> at offset ${i} closes ${expected ? `<${expected}>` : 'nothing'}`);
      i = endOfTag(xml, i + 2 + name.length);
    } else {
      const name = NAME.exec(xml.slice(i + 1, i + 260))?.[0];
      if (!name) throw new MalformedXml(`stray "<" at offset ${i}`);
      const end = endOfTag(xml, i + 1 + name.length);
      if (open.length === 0 && ++roots > 1) throw new MalformedXml(`second root element <${name}> at offset ${i}`);
      if (xml[end - 2] !== '/') open.push(name);
      i = end;
    }
  }
  if (roots === 0) throw new MalformedXml('no root element');
  if (open.length) throw new MalformedXml(`<${open.at(-1)}> is never closed`);
}
