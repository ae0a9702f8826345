/** How mentions read: `<@id>` → `@alice`, `<@&id>` → `@Subscriber`, `<#id>` → `#general`. */
export interface MentionNames {
  user(id: string): string;
  role(id: string): string;
  channel(id: string): string;
}

/** `&`, `<`, `>`, `"` and `'` as character references: safe in element text and quoted attributes. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A rule of Discord's markdown: where its syntax starts, and its HTML. Inner text goes back
 * through the rules (`inline`); code is escaped and nothing else; whatever no rule matches is
 * escaped text. No input reaches the output unescaped, so no content can inject markup.
 */
interface Rule {
  match: RegExp;
  html: (m: RegExpExecArray, inline: (text: string) => string, names: MentionNames) => string;
}

const wrap =
  (tag: string, attributes = '') =>
  (m: RegExpExecArray, inline: (text: string) => string) =>
    `<${tag}${attributes}>${inline(m[1])}</${tag}>`;

/**
 * In Discord's precedence (its client's simple-markdown rules, the inline ones this stand-in
 * shows): code first (nothing inside it is formatted), escapes, mentions, then emphasis.
 */
const RULES: Rule[] = [
  {
    match: /^```(?:([a-z0-9_+\-.#]+?)\n)?\n*([^\n][\s\S]*?)\n*```/i,
    html: (m) => `<pre class="md-codeblock"><code>${escapeHtml(m[2])}</code></pre>`,
  },
  { match: /^(`+)([\s\S]*?[^`])\1(?!`)/, html: (m) => `<code class="md-code">${escapeHtml(m[2])}</code>` },
  { match: /^\\([^0-9A-Za-z\s])/, html: (m) => escapeHtml(m[1]) },
  {
    match: /^<@!?(\d{1,20})>/,
    html: (m, _, names) => `<span class="md-mention">@${escapeHtml(names.user(m[1]))}</span>`,
  },
  {
    match: /^<@&(\d{1,20})>/,
    html: (m, _, names) => `<span class="md-mention">@${escapeHtml(names.role(m[1]))}</span>`,
  },
  {
    match: /^<#(\d{1,20})>/,
    html: (m, _, names) => `<span class="md-mention">#${escapeHtml(names.channel(m[1]))}</span>`,
  },
  { match: /^\|\|([\s\S]+?)\|\|/, html: wrap('span', ' class="md-spoiler" title="spoiler"') },
  { match: /^\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)/, html: wrap('strong') },
  { match: /^__((?:\\[\s\S]|[^\\])+?)__(?!_)/, html: wrap('u') },
  { match: /^\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)/, html: wrap('em') },
  { match: /^_((?:__|\\[\s\S]|[^\\_])+?)_(?!\w)/, html: wrap('em') },
  { match: /^~~([\s\S]+?)~~/, html: wrap('s') },
];

/** Characters where a rule may start; text up to the next one is plain. */
const SPECIAL = /[`\\<|*_~]/;

/**
 * Discord message content as Discord shows it, as HTML: **bold**, *italics* / _italics_,
 * __underline__, ~~strikethrough~~, ||spoilers||, `inline code`, ```code blocks```, `\` escapes,
 * and user, role and channel mentions by name. Everything is HTML-escaped; line breaks are kept
 * as text (show it with `white-space: pre-wrap`).
 */
export function discordMarkdownToHtml(content: string, names: MentionNames): string {
  const inline = (text: string): string => {
    let out = '';
    let rest = text;
    while (rest.length > 0) {
      const matched = firstMatch(rest);
      if (matched) {
        out += matched.rule.html(matched.m, inline, names);
        rest = rest.slice(matched.m[0].length);
        continue;
      }
      // No rule starts here: plain text up to the next character a rule could start at.
      const next = rest.slice(1).search(SPECIAL);
      const end = next === -1 ? rest.length : next + 1;
      out += escapeHtml(rest.slice(0, end));
      rest = rest.slice(end);
    }
    return out;
  };
  return inline(content);
}

function firstMatch(text: string): { rule: Rule; m: RegExpExecArray } | undefined {
  for (const rule of RULES) {
    const m = rule.match.exec(text);
    if (m) return { rule, m };
  }
  return undefined;
}
