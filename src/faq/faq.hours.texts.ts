/**
 * The opening-day answers faq.hours.ts builds from a unit's office hours ("thứ 7 có làm việc ko" →
 * "Không, thứ Bảy …"), kept here with the other resident-facing sentences.
 */
export const DAY_NAME = {
  mon: 'thứ Hai',
  tue: 'thứ Ba',
  wed: 'thứ Tư',
  thu: 'thứ Năm',
  fri: 'thứ Sáu',
  sat: 'thứ Bảy',
  sun: 'Chủ nhật',
} as const;

export const hoursTexts = {
  closedDay: ({ day }: { day: string }) => `Không, ${day} trung tâm nghỉ, không nhận hồ sơ. Anh/chị vẫn nộp trực tuyến được trên dichvucong.gov.vn hoặc VNeID.`,
  openDay: ({ day, ranges }: { day: string; ranges: string[] }) => `Có, ${day} trung tâm làm việc ${ranges.join(' và ')}.`,
  lunchBreak: ({ from, to }: { from: string; to: string }) => `Không, buổi trưa trung tâm nghỉ từ ${from} đến ${to}.`,
  noLunchBreak: ({ range }: { range: string }) => `Có, trung tâm làm việc liền ${range}, không nghỉ trưa.`,
};
