/**
 * A tiny XML reader for tests (no dependency): elements, text, the five entities and numeric
 * references, XML declaration, self-closing tags. No attributes are expected in Open311 output, but
 * they are tolerated. Throws on anything malformed (mismatched tags, stray '<', trailing content).
 */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  if (s.includes('<')) throw new Error('stray < in text');
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (m, e: string | undefined) => {
    if (!e) throw new Error('bare & in text');
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (!(e in ENTITY)) throw new Error(`unknown entity &${e};`);
    return ENTITY[e];
  });
}

export function parseXml(xml: string): XmlNode {
  let s = xml.replace(/^\uFEFF?<\?xml[^?]*\?>\s*/, '');
  const stack: XmlNode[] = [{ name: '#root', children: [], text: '' }];
  const TAG = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/y;
  let pos = 0;
  s = s.replace(/\r\n?/g, '\n'); // as an XML parser would (escaped &#13; survives)
  while (pos < s.length) {
    const lt = s.indexOf('<', pos);
    const chunk = s.slice(pos, lt < 0 ? s.length : lt);
    if (chunk) stack[stack.length - 1].text += decode(chunk);
    if (lt < 0) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(s);
    if (!m) throw new Error(`malformed tag at ${lt}: ${s.slice(lt, lt + 40)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      const top = stack.pop()!;
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
    } else {
      const node: XmlNode = { name, children: [], text: '' };
      stack[stack.length - 1].children.push(node);
      if (!selfClose) stack.push(node);
    }
    pos = TAG.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  const root = stack[0];
  if (root.children.length !== 1 || root.text.trim()) throw new Error('exactly one root element expected');
  return root.children[0];
}

/** Children of a flat record element as { name: text }. */
export function record(node: XmlNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of node.children) out[c.name] = c.text;
  return out;
}

export const child = (node: XmlNode, name: string): XmlNode | undefined => node.children.find((c) => c.name === name);
