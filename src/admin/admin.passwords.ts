/**
 * Password hashing: argon2id (RFC 9106) through the `argon2` package, at its defaults
 * (m = 64 MiB, t = 3, p = 4). The hash is a PHC string carrying its own parameters and salt.
 */
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword({ password }: { password: string }): Promise<{ hash: string }> {
  return { hash: await argon2.hash(password, { type: argon2.argon2id }) };
}

/** False on a wrong password or an unreadable hash; never throws for bad input. */
export async function verifyPassword({ hash, password }: { hash: string; password: string }): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A readable Vietnamese problem with a new password, or null when it is acceptable. */
export function passwordProblem({ password, username }: { password: string; username: string }): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự (password needs ${MIN_PASSWORD_LENGTH}+ characters).`;
  if (password.length > 200) return 'Mật khẩu dài quá 200 ký tự (password is longer than 200 characters).';
  if (password.toLowerCase() === username.toLowerCase()) return 'Mật khẩu không được trùng tên đăng nhập (password equals the username).';
  return null;
}
