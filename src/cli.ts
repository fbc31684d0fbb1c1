/**
 * Command line: `npm run cli -- <command> [args]`. Each command lives in src/cli/<name>.command.ts
 * and is imported only when run, so a slow or SDK-heavy command never slows the others.
 */
import 'dotenv/config';

type CommandModule = { run(args: string[]): Promise<number | void> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  ask: { summary: 'ask "<question>": print the reply a resident would see', load: () => import('./cli/ask.command.js') },
  classify: { summary: 'JSON lines {"id","text"} on stdin → decisions as JSON lines', load: () => import('./cli/classify.command.js') },
  bench: { summary: 'bench [faq|pipeline] [--pg url]: benchmarks with baselines', load: () => import('./cli/bench.command.js') },
  calibrate: { summary: 'calibrate <dev.jsonl> [guard.jsonl]: sweep the decision thresholds', load: () => import('./cli/calibrate.command.js') },
  'fit-story': { summary: 'fit-story <dev.jsonl…>: fit the story-vs-question model with cross-validation', load: () => import('./cli/fit-story.command.js') },
  eval: { summary: 'eval <file.jsonl> [--verbose] [--db]: accuracy figures beside a plain fuse.js baseline (--db: live catalogue and regression cases saved in the console)', load: () => import('./cli/eval.command.js') },
  faq: { summary: 'faq lint | due [--today YYYY-MM-DD] | export --out FILE | import FILE [--yes]: reviewer rules, review dates; the catalogue as .xlsx/.csv/.yaml (imports become drafts)', load: () => import('./cli/faq.command.js') },
  zalo: { summary: 'zalo login: scan a QR code to connect the bot\'s Zalo account', load: () => import('./cli/zalo-login.command.js') },
  units: { summary: 'units import [--force] | list | holidays: load data/units.yaml and holidays, show units', load: () => import('./cli/units.command.js') },
  admin: { summary: 'admin add <username> --role province|unit [--unit <id>] | passwd <username> | list | remove <username>', load: () => import('./cli/admin.command.js') },
  staff: { summary: 'staff add --unit <id> --name <n> [--telegram <id>] [--zalo <uid>] [--role lead] | list | remove <id>', load: () => import('./cli/staff.command.js') },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join('\n');
    console.error(`${name ? `Unknown command "${name}".\n` : ''}Usage: npm run cli -- <command>\n\nCommands:\n${list}`);
    return name ? 2 : 0;
  }
  const code = await (await command.load()).run(args);
  return typeof code === 'number' ? code : 0;
}

// `cli eval … | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Commands throw errors whose message already says what to do; no stack trace for operators.
    console.error(error instanceof Error ? error.message : String(error));
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
