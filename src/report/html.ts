/**
 * Markup that is safe by construction: the `html` tagged template escapes every interpolated value,
 * and only an `Html` value (another template's result, or `unsafe(...)` for markup recount itself
 * made, such as vega's SVG) passes through as it is. Ledger values (model names, session ids, tags,
 * file names) can carry `<script>` or quotes; they never reach the page unescaped.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup, inserted as it is. Use only for markup recount generated itself. */
export function unsafe(markup: string): Html {
  return new Html(markup);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * `html\`<td class="${cls}">${value}</td>\``: strings, numbers and everything else are escaped;
 * arrays are interpolated item by item; null, undefined and false render nothing; `Html` values pass.
 * Attribute values must be quoted in the template.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + strings[i + 1];
  return new Html(out);
}

function interpolate(value: unknown): string {
  if (value == null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(String(value));
}
