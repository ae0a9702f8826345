import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { DEMO } from '@discord-backbone/discord-standin';
import { http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { ThreadedView, waitForThread } from '../support/order-threads';
import { relayHttp } from '../support/relay';
import { waitFor } from '../support/sqs';
import { DEMO_BACKEND_KEY, standinStack, StandinStack } from '../support/standin';

// Debian's Chromium (apt-get install chromium); .ci/run installs it. Elsewhere: CHROMIUM_PATH.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The stand-in's page in a real headless browser after real flows: the order thread the worker
 * created there with its welcome message, and a person posting into #general through the page's
 * form, which the relay delivers to its backend bot.
 */
describe('Discord stand-in page, in Chromium', () => {
  const { sqs, prisma } = useTestInfra();
  let stack: StandinStack;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    // The flags keep Chromium off the network: these machines refuse its background connections.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    stack = await standinStack(sqs);
  });
  afterEach(() => stack?.close());

  it('shows the order thread the worker created, with its members and welcome message', async () => {
    const alice = await prisma.user.create({ data: { username: 'alice', discordUserId: DEMO.users.alice } });
    const bob = await prisma.user.create({ data: { username: 'bob', discordUserId: DEMO.users.bob } });
    const community = await prisma.community.create({
      data: { name: 'Demo', discordGuildId: DEMO.guildId, discordThreadChannelId: DEMO.channels.orders },
    });
    const order = await http<ThreadedView>(stack.api.url, 'POST', '/orders', {
      title: 'Boost to gold',
      customerId: alice.id,
      assignedId: bob.id,
      communityId: community.id,
    });
    expect(order.status).toBe(201);
    const created = await waitForThread(stack.api.url, `/orders/${order.body.id}`, 'created');

    const page = await browser.newPage();
    await page.goto(stack.standin.pageUrl);
    const orders = page.locator(`section.channel[data-channel-id="${DEMO.channels.orders}"]`);
    const thread = orders.locator(`section.thread[data-thread-id="${created.discordThread!.threadId}"]`);
    await thread.waitFor();
    await expect(thread.locator('h4').textContent()).resolves.toContain('Order Boost to gold');
    await expect(thread.locator('p.muted').textContent()).resolves.toBe('Members: marketplace-bot, alice, bob');
    const welcome = thread.locator('ul.messages li').first();
    // Rendered as Discord would: the markdown bold and the mentions by name, not their source.
    await expect(welcome.textContent()).resolves.toMatch(
      /^marketplace-bot: Welcome @alice @bob! This thread is for order Boost to gold\./,
    );
    await expect(welcome.locator('.content strong').textContent()).resolves.toBe('Boost to gold');
    await expect(welcome.locator('.content .md-mention').allTextContents()).resolves.toEqual(['@alice', '@bob']);
    await expect(
      orders.locator('.tag', { hasText: `invite ${created.discordThread!.inviteCode}` }).count(),
    ).resolves.toBe(1);
    await page.close();
  });

  it('posts what a person types as a user; the relay hands it to its backend bot, whose answer the open page shows as it arrives', async () => {
    const page = await browser.newPage();
    await page.goto(stack.standin.pageUrl);
    await page.selectOption('select[name=author]', DEMO.users.bob);
    await page.selectOption('form[action="/messages"] select[name=channel]', DEMO.channels.general);
    await page.fill('textarea[name=content]', 'Anyone up for a raid?');
    await Promise.all([page.waitForURL(/notice=/), page.click('form[action="/messages"] button')]);
    await expect(page.getByRole('status').textContent()).resolves.toBe('bob posted in #general.');
    await expect(
      page.locator(`section.channel[data-channel-id="${DEMO.channels.general}"] ul.messages li`).last().textContent(),
    ).resolves.toBe('bob: Anyone up for a raid?');

    const leased = await waitFor(
      async () => {
        const { body } = await relayHttp<{
          messages: { delivery_id: string; discord_message: { content: string; source: { author_name: string } } }[];
        }>(stack.api.url, 'POST', '/v1/messages/lease', { key: DEMO_BACKEND_KEY, body: { limit: 10 } });
        return body.messages.length > 0 ? body.messages : undefined;
      },
      { what: 'the posted message leased by the demo backend bot' },
    );
    expect(leased.map((m) => [m.discord_message.source.author_name, m.discord_message.content])).toEqual([
      ['bob', 'Anyone up for a raid?'],
    ]);

    // The backend bot answers through the relay; the open page shows it as it arrives.
    const sent = await relayHttp(stack.api.url, 'POST', '/v1/messages/send', {
      key: DEMO_BACKEND_KEY,
      body: {
        discord_bot_id: 'standin',
        destination: { type: 'channel', channel_id: DEMO.channels.general },
        content: 'Raid at 9',
      },
    });
    expect(sent.status).toBeLessThan(300);
    await page
      .locator(`section.channel[data-channel-id="${DEMO.channels.general}"] li`, {
        hasText: 'marketplace-bot: Raid at 9',
      })
      .waitFor();
    await page.close();
  });
});
