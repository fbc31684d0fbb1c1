/** Pure parsing of what a resident typed: slash commands and "reply 1, 2 or 3" choices. */

export type BotCommand = 'start' | 'help' | 'private' | 'askBot';

const ALIASES: Record<string, BotCommand> = {
  start: 'start',
  batdau: 'start',
  help: 'help',
  trogiup: 'help',
  huongdan: 'help',
  menu: 'help',
  // In a residents' group: "answer me privately" (a member), "bot, answer this one" (an officer, replying to a member's message).
  rieng: 'private',
  private: 'private',
  bot: 'askBot',
  botdap: 'askBot',
};

/** "/start", "/help@MotCuaBot", "/trogiup", "/rieng", "/bot" → the command; anything else (including unknown commands) → null. */
export function parseCommand({ text }: { text: string }): { command: BotCommand } | null {
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(text.trim());
  const command = match ? ALIASES[match[1]!.toLowerCase()] : undefined;
  return command ? { command } : null;
}

/** "2", " 2. ", "2)" → 2. Only a lone digit counts: "2 giờ" is a question, not a choice. */
export function parseChoice({ text }: { text: string }): { choice: number } | null {
  const match = /^\s*([1-9])\s*[.)]?\s*$/.exec(text);
  return match ? { choice: Number(match[1]) } : null;
}
