/**
 * `npm run bench [-- faq|pipeline|console|uploads|dashboard] [--pg postgres://…]`: prints the benchmarks with their baselines.
 * dashboard: `[--small]` a 20-unit quarter instead of the province year, `[--db scale_year]` keep and reuse the generated database, `[--rounds 20]` requests per page.
 * The pipeline part runs on PGlite and, with --pg (or DATABASE_URL), on Postgres too.
 */
export async function run(args: string[]): Promise<number> {
  const only = args.find((a) => a === 'faq' || a === 'pipeline' || a === 'console' || a === 'uploads' || a === 'dashboard');
  const pgIndex = args.indexOf('--pg');
  const databaseUrl = pgIndex >= 0 ? args[pgIndex + 1] : process.env.DATABASE_URL || undefined;
  if (!only || only === 'faq') {
    const { runFaqBench } = await import('../bench/faq.bench.js');
    await runFaqBench();
  }
  if (!only || only === 'pipeline') {
    const { runPipelineBench } = await import('../bench/pipeline.bench.js');
    console.log('');
    await runPipelineBench({ databaseUrl });
    if (!databaseUrl) console.log('(Postgres figures too: npm run bench -- pipeline --pg postgres://postgres@127.0.0.1:5432/test)');
  }
  if (!only || only === 'console') {
    const { runConsoleBench } = await import('../bench/console.bench.js');
    console.log('');
    await runConsoleBench();
  }
  if (!only || only === 'uploads') {
    const { runUploadsBench } = await import('../bench/uploads.bench.js');
    console.log('');
    await runUploadsBench({ databaseUrl });
  }
  if (only === 'dashboard') {
    const { runDashboardBench } = await import('../bench/dashboard.bench.js');
    const dbIndex = args.indexOf('--db');
    const roundsIndex = args.indexOf('--rounds');
    await runDashboardBench({
      databaseUrl,
      small: args.includes('--small'),
      ...(dbIndex >= 0 && args[dbIndex + 1] ? { keep: args[dbIndex + 1] } : {}),
      ...(roundsIndex >= 0 && Number(args[roundsIndex + 1]) > 0 ? { rounds: Number(args[roundsIndex + 1]) } : {}),
    });
  }
  return 0;
}
