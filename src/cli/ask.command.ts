/**
 * `cli ask "<question>"`: prints the reply a resident would see (Telegram's length limit), from the
 * published catalogue in the database, as the bot answers; `--files` reads data/ instead.
 */
import { engineForCli } from './faq.shared.js';

export async function run(args: string[]): Promise<number> {
  const { engine, rest } = await engineForCli({ args, defaultSource: 'db' });
  const text = rest.join(' ').trim();
  if (!text) {
    console.error('Usage: npm run --silent cli -- ask [--files] "làm giấy khai sinh cần gì"   (--files: data/ instead of the published catalogue)');
    return 2;
  }
  const decision = engine.decide({ text });
  const reply = engine.render({ decision, maxTextLength: 4096 });
  console.log(reply.parts.join('\n\n— — —\n\n'));
  if (reply.buttons.length > 0) console.log(`\n[${reply.buttons.map((b) => b.label).join('] [')}]`);
  return 0;
}
