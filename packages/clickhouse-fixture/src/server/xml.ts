/** A value in a ClickHouse XML config: a scalar, a nested element, or a list of repeated elements. */
export type XmlValue = string | number | boolean | readonly XmlValue[] | XmlTree
/** Elements of a ClickHouse XML config, e.g. `{ max_concurrent_queries: 50, merge_tree: { … } }`. */
export interface XmlTree {
  readonly [element: string]: XmlValue
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/

export function isXmlTree(value: unknown): value is XmlTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Why `value` cannot be rendered as XML (the path of the first bad element), or undefined when it can. */
export function xmlProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path}: not a finite number`
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      if (Array.isArray(v)) return `${path}[${i}]: a list inside a list has no XML form`
      const p = xmlProblem(v, `${path}[${i}]`)
      if (p) return p
    }
    return undefined
  }
  if (isXmlTree(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!NAME.test(k)) return `${path}.${k}: not an XML element name`
      const p = xmlProblem(v, `${path}.${k}`)
      if (p) return p
    }
    return undefined
  }
  return `${path}: expected a string, number, boolean, object or array`
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function renderElement(name: string, value: XmlValue, indent: string): string {
  if (Array.isArray(value)) return value.map((v) => renderElement(name, v, indent)).join('')
  if (isXmlTree(value)) {
    const inner = renderXml(value, `${indent}  `)
    return inner ? `${indent}<${name}>\n${inner}${indent}</${name}>\n` : `${indent}<${name}/>\n`
  }
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
  return `${indent}<${name}>${escapeXml(text)}</${name}>\n`
}

/** The elements of `tree` as XML text (booleans as 1/0, arrays as repeated elements). */
export function renderXml(tree: XmlTree, indent = '  '): string {
  return Object.entries(tree)
    .map(([k, v]) => renderElement(k, v, indent))
    .join('')
}

/** A ClickHouse config document: `<yandex>` root (read by every version, 18.16 included). */
export function xmlDocument(tree: XmlTree): string {
  return `<?xml version="1.0"?>\n<yandex>\n${renderXml(tree)}</yandex>\n`
}

/** `over` merged into `base`: nested elements merge, anything else in `over` replaces. */
export function mergeXml(base: XmlTree, over: XmlTree | undefined): XmlTree {
  if (!over) return base
  const out: Record<string, XmlValue> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] = isXmlTree(b) && isXmlTree(v) ? mergeXml(b, v) : v
  }
  return out
}
