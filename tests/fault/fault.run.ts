/**
 * `npm run fault [-- --kills 60]`: the fault run at full size, figures printed (see fault.harness.ts).
 * Exits 1 when a message was lost or the worst recovery took 10 s or more.
 */
import { runFaultScenario } from './fault.harness.js';

const at = process.argv.indexOf('--kills');
const kills = at > 0 ? Number(process.argv[at + 1]) : 60;
const started = Date.now();
const figures = await runFaultScenario({ kills, log: (line) => console.log(line) });
console.log(
  [
    `backend ${figures.backend}; ${figures.kills} kills (question ${figures.cycles.question}, ticket ${figures.cycles.ticket}, during a send ${figures.cycles.send}) in ${Math.round((Date.now() - started) / 1000)} s`,
    `lost ${figures.lost}; duplicated ${figures.duplicated} (of which ${figures.duplicatedInSend} from kills while the reply was at Telegram); empty forum topics ${figures.emptyTopics}`,
    `recovery delay (kill → last owed message, restart included): median ${figures.medianRecoveryMs} ms, worst ${figures.worstRecoveryMs} ms`,
    `bot start (spawn → first getUpdates): median ${figures.startMs.median} ms, worst ${figures.startMs.worst} ms`,
    `  of which, median per phase (ms since the bot's process began): ${Object.entries(figures.startPhasesMs).map(([phase, ms]) => `${phase} ${ms}`).join(', ')}`,
    `after the start (first getUpdates → last owed message): median ${figures.afterStartMs.median} ms, worst ${figures.afterStartMs.worst} ms`,
    `load average at the end: ${figures.loadAverage}`,
  ].join('\n'),
);
process.exit(figures.lost === 0 && figures.worstRecoveryMs < 10_000 ? 0 : 1);
