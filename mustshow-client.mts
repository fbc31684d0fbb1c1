import { askWebChat, createHttpClient } from './tests/console/console.harness.ts';
const url = 'http://127.0.0.1:3101';
const http = createHttpClient(url);
console.log('login', (await http.login('admin', 'mat-khau-thu-2026')).status);
const page = await (await http.request('/admin/entries/gio-lam-viec')).text();
const token = /data-csrf="([^"]+)"/.exec(page)![1]!;
const revision = /name="_revision" value="(\d+)"/.exec(page)![1]!;
const field = (name: string) => new RegExp(`name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page)?.[1] ?? '';
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const input = (name: string) => unescape(new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '');
const body: Record<string, string> = { _csrf: token, _revision: revision, title: input('title'), category: 'chung', questions: unescape(field('questions')), keywords: unescape(field('keywords')),
  summary: 'Tóm tắt mới do quản trị viên sửa (thử trên bản cài mới).', 'sections.where': unescape(field('sections.where')), 'sections.online': unescape(field('sections.online')), 'sections.notes': unescape(field('sections.notes')),
  legalBasis: unescape(field('legalBasis')), sourceUrl: input('sourceUrl'), reviewedAt: input('reviewedAt') };
console.log('save', (await http.form('/admin/entries/gio-lam-viec', body)).status);
console.log('publish', (await http.form('/admin/entries/gio-lam-viec/publish', { _csrf: token })).status);
const t = Date.now();
let reply = '';
while (!reply.includes('Tóm tắt mới') && Date.now() - t < 5000) reply = await askWebChat({ url, text: 'trung tâm mở cửa mấy giờ' });
console.log('bot answers with the new text:', reply.includes('Tóm tắt mới do quản trị viên sửa'), `${Date.now() - t} ms`);
