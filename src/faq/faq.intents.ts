/**
 * Cues read from the folded, abbreviation-expanded words of a message, before retrieval:
 * which section the resident asks about (aspect), and the cases that always go to a person
 * (explicit request, emergency, complaint, the resident's own case) or are beyond a commune.
 * Phrases are folded (no diacritics) and matched on whole words.
 */
import type { Aspect, HandoffReason } from './faq.types.js';

const has = (words: string, phrases: readonly string[]) => phrases.some((p) => words.includes(` ${p} `));

// Order matters: "bao nhiêu ngày" is a duration question before it is a fee question.
const ASPECT_CUES: Array<[Aspect, readonly string[]]> = [
  ['duration', ['bao lau', 'thoi gian', 'may ngay', 'bao nhieu ngay', 'may hom', 'bao nhieu lau', 'khi nao co', 'bao gio co', 'bao gio xong', 'thoi gian giai quyet', 'thoi han', 'lau khong', 'lau ko', 'mat bao lau', 'trong ngay', 'may thang', 'may tuan', 'bao nhieu thang']],
  ['fee', ['bao nhieu tien', 'le phi', 'phi', 'mat tien', 'ton tien', 'het bao nhieu', 'chi phi', 'mien phi', 'tien', 'mat phi', 'dong tien', 'nop tien', 'gia bao nhieu', 'bao nhieu', 'co mat', 'tn tien']],
  ['online', ['online', 'truc tuyen', 'qua mang', 'tren mang', 'dich vu cong', 'tai nha', 'qua app', 'tren app', 'tren dien thoai', 'qua dien thoai', 'nop mang', 'internet']],
  ['where', ['o dau', 'noi nop', 'noi nao', 'cho nao', 'lam o dau', 'nop o dau', 'dia chi', 'den dau', 'co quan nao', 'ra dau', 'len dau', 'di dau', 'nop tai', 'tai dau', 'xa hay', 'phuong hay', 'o xa', 'o phuong']],
  ['documents', ['giay to', 'ho so gom', 'can gi', 'can nhung gi', 'mang gi', 'mang theo', 'chuan bi', 'thanh phan', 'can nhung', 'mang nhung', 'nop gi', 'to khai', 'gom nhung', 'can mang', 'ho so can', 'giay gi']],
];

/**
 * Aspect cues are intent, not topic: "đăng ký kết hôn mất bao lâu" must not match an entry because
 * one of its questions also says "mất bao lâu". Retrieval drops these phrases. Online cues stay:
 * "nộp online" is also the topic of the online-services entry, and "địa chỉ" that of the hours entry.
 */
export const RETRIEVAL_STOP_PHRASES: string[] = ASPECT_CUES.filter(([aspect]) => aspect !== 'online')
  .flatMap(([, cues]) => cues)
  .filter((cue) => cue !== 'dia chi');

/** The section the message asks about, or null for a general question. */
export function detectAspect(words: string[]): Aspect | null {
  const text = ` ${words.join(' ')} `;
  for (const [aspect, cues] of ASPECT_CUES) if (has(text, cues)) return aspect;
  return null;
}

/** Words that only mark an aspect; a message made of nothing else is a follow-up on the last answer. */
export const ASPECT_WORDS = new Set(
  ASPECT_CUES.flatMap(([, cues]) => cues.flatMap((c) => c.split(' '))).concat(['ho', 'so', 'gi', 'nhu', 'the', 'nao', 'lam', 'can', 'thi', 'sao', 'con', 'va', 'mat', 'het']),
);

const EXPLICIT_REQUEST = ['gap can bo', 'gap nguoi', 'nguoi that', 'noi chuyen voi nguoi', 'noi chuyen truc tiep', 'nhan vien', 'chuyen cho can bo', 'chuyen can bo', 'can bo truc', 'gap truc tiep', 'tu van vien', 'gap admin', 'goi lai cho toi', 'goi dien lai', 'goi cho toi', 'nguoi tra loi', 'gap lanh dao', 'tong dai vien', 'muon gap', 'can gap', 'gap truong', 'gap ngay', 'so dien thoai rieng', 'so rieng', 'sdt rieng', 'zalo rieng', 'cho gap', 'can nguoi', 'nguoi truc', 'hoi can bo', 'gap chu tich'];
const EMERGENCY = ['chay nha', 'hoa hoan', 'dang chay', 'tai nan', 'cap cuu', 'cuop', 'trom', 'danh nhau', 'bao luc', 'bi danh', 'danh dap', 'tu tu', 'mat tich', 'lu lut', 'ngap lut', 'sat lo', 'ngat xiu', 'nguy hiem', 'cuu voi', 'cuu toi', 'dot nhap', 'chay rung', 'dien giat', 'khan cap', 'bat coc', 'de doa', 'hanh hung', 'bi thuong nang', 'dang bi thuong', 'dot quy'];
const COMPLAINT = ['thai do', 'hach sach', 'nhung nhieu', 'tham nhung', 'doi tien', 'boi duong', 'hoi lo', 'buc xuc', 'qua te', 'te qua', 'coc can', 'lam kho', 'vo trach nhiem', 'to cao', 'bo mac', 'quat thao', 'chui', 'vo le', 'thieu ton trong', 'khong nghe may', 'hen lan hen', 'di lai nhieu lan', 'lam sai', 'noi chuyen hon', 'rat hon', 'khieu nai chi', 'khieu nai anh', 'khieu nai ong', 'khieu nai ba', 'khieu nai can bo', 'khong ai tra loi', 'ko ai tra loi'];
/** How-to wording: "khiếu nại thì làm thế nào" asks for the procedure, it is not a complaint. */
const HOW_TO = ['the nao', 'nhu the nao', 'lam sao', 'cach', 'o dau', 'thu tuc', 'huong dan', 'quy trinh', 'duong day nong', 'so dien thoai'];
const OWN_CASE = ['ho so cua toi', 'ho so cua em', 'ho so cua minh', 'ho so cua bac', 'ho so cua chau', 'ho so nha toi', 'ho so nha em', 'ho so toi', 'ho so em', 'ho so minh', 'ma ho so', 'giay hen', 'phieu hen', 'bien nhan', 'bo sung ho so', 'ho so bi', 'ho so nop', 'cua nha toi', 'cua nha em', 'nha toi nop', 'toi da nop', 'em da nop', 'toi nop tu', 'em nop tu', 'toi nop ho so', 'em nop ho so'];
const STILL_WAITING = ['chua', 'sao', 'bao gio', 'den dau', 'toi dau', 'lau the', 'qua han', 'tre hen', 'lau qua', 'van chua', 'bi tra', 'bi loi', 'tu choi', 'that lac', 'mat ho so', 'chua xong', 'cu hen', 'van chua', 'vo ly', 'chua nhan duoc', 'duyet chua', 'xong chua', 'co chua', 'duoc chua'];
/** "hồ sơ tạm hoãn nghĩa vụ của con tôi": a dossier (named by its procedure) that belongs to the resident's family. */
const OWN_DOSSIER = /\bho so(?: \S+){0,6} cua (?:(?:con|bo|me|ba|ma|chong|vo|ong|anh|chi|em) )?(?:toi|em|minh|tui)\b/;
/** A dossier or receipt number written by the resident (HS-0042, 000.00.00.H01-…). */
const CASE_NUMBER = /\b(?:hs\s?\d{2,}|\d{3}\s\d{2}\s\d{2}\s[a-z]\d{2})\b/;

/**
 * Topics handled by provincial or national agencies, courts, banks or employers, not by a
 * commune centre. When a message names one and the best entry does not, it goes to a person.
 */
export const OUT_OF_SCOPE_TOPICS = [
  'doanh nghiep', 'cong ty', 'ho chieu', 'visa', 'thi thuc', 'xuat canh', 'nhap canh', 'xuat nhap canh', 'luong huu', 'huu tri',
  'that nghiep', 'thai san', 'om dau', 'bao hiem xa hoi', 'so bao hiem', 'thue thu nhap', 'quyet toan thue', 'hoa don', 'xuat khau lao dong',
  'lao dong nuoc ngoai', 'giay phep lai xe', 'bang lai', 'thi bang', 'sat hach', 'diem thi', 'tuyen sinh', 'hoc phi', 'ly hon', 'toa an',
  'khoi kien', 'tranh chap', 'boi thuong', 'giai phong mat bang', 'thu hoi dat', 'quy hoach', 'dau thau', 'hai quan', 'chung khoan', 'ngan hang', 'vay von',
  'lai suat', 'gia vang', 'thoi tiet', 'xo so', 'bong da', 'tuyen dung', 'viec lam', 'nghia vu quan su', 'hop dong lao dong', 'tien luong',
  'cong doan', 'ke toan', 'giay phep lao dong', 'quoc tich', 'tai nan lao dong', 'benh nghe nghiep', 'nguoi lao dong',
  'nguoi su dung lao dong', 'huong bao hiem', 'co phan', 'von dieu le',
  'nha dau tu', 'dien luc', 'mat dien', 'mat nuoc', 'cap nuoc', 'gia xang', 'vay tien', 'cho vay', 'khoa hoc', 'den bu', 'tien dien', 'tien nuoc', 'internet cap', 'bang dai hoc', 'van bang', 'bang tot nghiep', 'the tam tru', 'the thuong tru', 'hoan thue', 'xuat khau', 'nhap khau hang', 'thue nhap khau', 'giay phep nhap khau', 'hang nhap khau', 'thuong mai', 'hang hoa', 'duoc pham', 'giao vien', 'can bo cong chuc',
  'vien chuc', 'ky luat', 'luan van', 'bai van', 'bai tap', 'dang vien', 'ket nap', 'tam giam', 'hinh su', 'an phi', 'phap nhan',
];

/** Advertising pasted into the chat (land plots, "fast papers"): never answered with a procedure, whatever topic it names. */
const ADVERTISING = ['lien he ngay', 'gia re', 'gia soc', 'inbox', 'bao dau', 'dat nen', 'nhan lam giay to', 'nhan lam so', 'khuyen mai', 'uu dai lon'];

/**
 * Words of the official register (laws, agencies, procedure codes) that residents chatting with
 * their commune rarely use. Such text names a catalogue topic inside a question about another
 * body's procedure ("trình tự … trực thuộc Bộ …"), so naming the topic is not enough to answer it.
 */
const FORMAL_REGISTER = ['trinh tu', 'tham quyen', 'quy pham', 'tthc', 'thu tuc hanh chinh', 'truc thuoc', 'cap tinh', 'doi tuong', 'trach nhiem', 'chap thuan', 'danh muc', 'nghi dinh', 'thong tu', 'phap luat', 'de nghi cap', 'co quan to chuc', 'to chuc ca nhan', 'don vi'];

export function isFormalRegister(words: string[]): boolean {
  return has(` ${words.join(' ')} `, FORMAL_REGISTER);
}

export function findOutOfScopeTopics(words: string[]): string[] {
  const text = ` ${words.join(' ')} `;
  return OUT_OF_SCOPE_TOPICS.filter((t) => text.includes(` ${t} `));
}

/** How-to wording ("thế nào", "làm sao", "thủ tục", "ở đâu"…): the words ask for a procedure. */
export function asksHowTo(words: string[]): boolean {
  return has(` ${words.join(' ')} `, HOW_TO);
}

/** A reason that always sends the message to a person, or null. */
export function detectHandoffIntent(words: string[]): HandoffReason | null {
  const text = ` ${words.join(' ')} `;
  if (has(text, EMERGENCY)) return 'emergency';
  if (has(text, EXPLICIT_REQUEST)) return 'explicit_request';
  if (has(text, ADVERTISING)) return 'out_of_scope';
  const howTo = has(text, HOW_TO);
  if (has(text, COMPLAINT) && !howTo) return 'complaint';
  if (CASE_NUMBER.test(text)) return 'personal_case';
  if ((has(text, OWN_CASE) || OWN_DOSSIER.test(text)) && has(text, STILL_WAITING) && !howTo) return 'personal_case';
  return null;
}
