import { discordMarkdownToHtml, MentionNames } from './discord-markdown';

const names: MentionNames = {
  user: (id) => ({ '1001': 'alice', '1002': '<b>mallory</b>' })[id] ?? 'unknown-user',
  role: (id) => ({ '2001': 'Subscriber' })[id] ?? 'unknown-role',
  channel: (id) => ({ '3001': 'general' })[id] ?? 'unknown-channel',
};
const render = (content: string) => discordMarkdownToHtml(content, names);

describe('discordMarkdownToHtml', () => {
  it('renders bold, italics, underline, strikethrough and spoilers as Discord does', () => {
    expect(render('**bold** *it* _it_ __under__ ~~gone~~ ||secret||')).toBe(
      '<strong>bold</strong> <em>it</em> <em>it</em> <u>under</u> <s>gone</s> <span class="md-spoiler" title="spoiler">secret</span>',
    );
    expect(render('***both*** and __*nested* **parts**__')).toBe(
      '<strong><em>both</em></strong> and <u><em>nested</em> <strong>parts</strong></u>',
    );
  });

  it('leaves what is not markup as text: lone or spaced markers, snake_case, escaped markers', () => {
    expect(render('2 * 3 * 4, a ** b, snake_case_name')).toBe('2 * 3 * 4, a ** b, snake_case_name');
    expect(render('\\*\\*not bold\\*\\*')).toBe('**not bold**');
  });

  it('shows user, role and channel mentions by name', () => {
    expect(render('Welcome <@1001> and <@!1001>, <@&2001>s, to <#3001>; <@999>')).toBe(
      'Welcome <span class="md-mention">@alice</span> and <span class="md-mention">@alice</span>, <span class="md-mention">@Subscriber</span>s, to <span class="md-mention">#general</span>; <span class="md-mention">@unknown-user</span>',
    );
    expect(render('**Order for <@1001>**')).toBe('<strong>Order for <span class="md-mention">@alice</span></strong>');
  });

  it('formats nothing inside inline code or code blocks', () => {
    expect(render('run `npm **start** <@1001>` now')).toBe(
      'run <code class="md-code">npm **start** &#60;@1001&#62;</code> now',
    );
    expect(render('``a `tick` b``')).toBe('<code class="md-code">a `tick` b</code>');
    expect(render('```ts\nconst a = *b* < c;\n```')).toBe(
      '<pre class="md-codeblock"><code>const a = *b* &#60; c;</code></pre>',
    );
    expect(render('```\nplain\n```')).toBe('<pre class="md-codeblock"><code>plain</code></pre>');
  });

  it('escapes everything it is given, so no content or name can inject markup', () => {
    const hostile = '<script>alert(1)</script> <img src=x onerror="alert(2)"> & \'q\'';
    expect(render(hostile)).toBe(
      '&#60;script&#62;alert(1)&#60;/script&#62; &#60;img src=x onerror=&#34;alert(2)&#34;&#62; &#38; &#39;q&#39;',
    );
    expect(render(`**${hostile}**`)).toBe(`<strong>${render(hostile)}</strong>`);
    expect(render('`<i>x</i>`')).toBe('<code class="md-code">&#60;i&#62;x&#60;/i&#62;</code>');
    expect(render('<@1002>')).toBe('<span class="md-mention">@&#60;b&#62;mallory&#60;/b&#62;</span>');
    expect(render('<@&2001"><script>')).toBe('&#60;@&#38;2001&#34;&#62;&#60;script&#62;');
    expect(render('```"><script>\nx```')).toBe(
      '<pre class="md-codeblock"><code>&#34;&#62;&#60;script&#62;\nx</code></pre>',
    );
  });

  it('keeps line breaks and unclosed markers as text', () => {
    expect(render('line one\n**line** two')).toBe('line one\n<strong>line</strong> two');
    expect(render('**open `tick ~~strike')).toBe('**open `tick ~~strike');
  });
});
