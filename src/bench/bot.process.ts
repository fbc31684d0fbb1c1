/**
 * The bot itself (src/main.ts), started as a child process by the upload benchmark and the fault run
 * (tests/fault): `node --import tsx src/bench/bot.process.ts`. Its own entry file, so tools that stop
 * developers' bots by matching "main.ts" on the command line leave these runs alone.
 */
import '../main.js';
