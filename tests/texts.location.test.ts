/**
 * Resident- and staff-facing sentences live in the text files, where a commune can review them in
 * one place (bot.texts.ts, handoff.texts.ts…). This test reads every string literal of src/ with the
 * TypeScript parser and fails when Vietnamese text appears anywhere else — beyond the few files
 * listed below with the reason their Vietnamese is not a sentence for a resident or an officer (or is
 * an existing exception owned by another module), each held to its current count so none can grow.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

/** Text files: every user-facing sentence belongs in one of these. */
const TEXT_FILES = [/\.texts\.ts$/, /^src\/handoff\/resident\/expected-reply\.models\.ts$/, /^src\/privacy\/privacy\.models\.ts$/];

/**
 * The admin console's server-rendered pages, and the inbox and report labels they show: their words
 * and markup are written together for the admins (not residents or duty staff), so they hold their
 * own Vietnamese.
 */
const ADMIN_PAGES = [/^src\/console\//, /^src\/admin\//, /^src\/reports\//, /^src\/querylog\//];

/** Other files with Vietnamese literals: at most this many, and why. */
const ALLOWED: Record<string, { max: number; why: string }> = {
  'src/bench/faq.bench.ts': { max: 17, why: 'synthetic benchmark entries' },
  'src/bench/pipeline.bench.ts': { max: 1, why: 'a benchmark sender name' },
  'src/bot/adapters/telegram/telegram.mapper.ts': { max: 1, why: 'fallback display name of a sender' },
  'src/bot/adapters/zalo/zalo.copy.ts': { max: 9, why: 'media labels (adapter-owned)' },
  'src/bot/adapters/zalo/zalo.qr-login.ts': { max: 5, why: 'operator CLI messages (bilingual)' },
  'src/bot/core/pipeline.ts': { max: 1, why: 'matches «gặp cán bộ» in a reply (not a sentence)' },
  'src/cli/ask.command.ts': { max: 1, why: 'usage example' },
  'src/cli/units.command.ts': { max: 3, why: 'operator CLI listing' },
  'src/cli/zalo-login.command.ts': { max: 16, why: 'operator CLI messages (bilingual)' },
  'src/cli/faq.command.ts': { max: 2, why: 'operator CLI report of review dates (catalogue)' },
  'src/faq/catalogue.lint.ts': { max: 5, why: 'catalogue lint: words it looks for in entries (catalogue)' },
  'src/faq/faq.render.ts': { max: 28, why: 'FAQ answer rendering (the engine owns it)' },
  'src/faq/text.normalize.ts': { max: 2, why: 'normaliser patterns' },
  'src/main.ts': { max: 1, why: 'start-up log line' },
  'src/shared/actions.ts': { max: 1, why: 'the handoff button label shared by bot and FAQ replies' },
  'src/shared/fold.ts': { max: 2, why: 'folding patterns' },
  'src/units/unit-choice.models.ts': { max: 3, why: 'unit prompt (units module)' },
  'src/units/unit-choice.usecases.ts': { max: 5, why: 'unit notices (units module)' },
  'src/web/chat.history.ts': { max: 2, why: 'web transcript labels (web module)' },
  'src/faq/faq.repository.ts': { max: 2, why: 'revision notes shown in the admin console' },
  'src/faq/faq.editing.ts': { max: 1, why: 'revision note shown in the admin console' },
  'src/db/client.ts': { max: 3, why: 'operator message: the embedded database is in use (bilingual)' },
  'src/cli/admin.command.ts': { max: 11, why: 'operator CLI messages (bilingual)' },
  'src/cli/faq-exchange.command.ts': { max: 12, why: 'operator CLI import/export report (bilingual)' },
  'src/bench/console.bench.ts': { max: 3, why: 'benchmark questions' },
  'src/bench/scale.generate.ts': { max: 6, why: 'generated benchmark rows' },
  'src/cli/eval.command.ts': { max: 1, why: 'operator CLI hint naming the console page' },
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function vietnameseLiterals(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
        ? node.text
        : ts.isRegularExpressionLiteral(node)
          ? node.text
          : undefined;
    if (literal !== undefined && VIETNAMESE.test(literal)) found.push(literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('user-facing text lives in the text files', () => {
  const files = tsFiles(join(ROOT, 'src')).map((path) => relative(ROOT, path));

  it('finds the texts at all (the scanner works)', () => {
    expect(vietnameseLiterals(join(ROOT, 'src/handoff/handoff.texts.ts')).length).toBeGreaterThan(50);
  });

  it('no Vietnamese string outside the text files beyond the listed exceptions', () => {
    const problems: string[] = [];
    for (const file of files) {
      if (TEXT_FILES.some((pattern) => pattern.test(file)) || ADMIN_PAGES.some((pattern) => pattern.test(file))) continue;
      const literals = vietnameseLiterals(join(ROOT, file));
      const allowed = ALLOWED[file]?.max ?? 0;
      if (literals.length > allowed) {
        problems.push(`${file}: ${literals.length} Vietnamese strings (allowed ${allowed}), e.g. ${JSON.stringify(literals.at(-1))}: move the sentence into a *.texts.ts file`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('one spelling of "xóa" in every resident- and staff-facing text', () => {
    for (const file of files.filter((f) => TEXT_FILES.some((pattern) => pattern.test(f)))) {
      expect(vietnameseLiterals(join(ROOT, file)).filter((t) => /xoá/i.test(t)), file).toEqual([]);
    }
  });
});
