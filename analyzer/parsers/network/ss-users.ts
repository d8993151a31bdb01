/**
 * The process column of `ss -p`:
 *
 *   users:(("python3",pid=12152,fd=8),("python3",pid=12052,fd=8))     (iproute2 >= 3.18)
 *   users:(("sshd",1234,3),("sshd",1235,3))                           (iproute 3.10, CentOS 7)
 *
 * A process name may hold any character but '"' followed by ','.
 */
export interface SocketUser {
  process: string;
  pid: number | null;
  fd: number | null;
}

export function parseSsUsers(text: string): SocketUser[] {
  const users: SocketUser[] = [];
  const start = text.indexOf('users:(');
  if (start < 0) return users;
  let i = start + 'users:('.length;
  while (i < text.length) {
    const open = text.indexOf('("', i);
    if (open < 0) break;
    const nameEnd = text.indexOf('",', open + 2);
    if (nameEnd < 0) break;
    const close = text.indexOf(')', nameEnd);
    const fieldsEnd = close < 0 ? text.length : close;
    const user: SocketUser = { process: text.slice(open + 2, nameEnd), pid: null, fd: null };
    const fields = text.slice(nameEnd + 2, fieldsEnd).split(',');
    fields.forEach((field, index) => {
      const eq = field.indexOf('=');
      const key = eq < 0 ? (index === 0 ? 'pid' : index === 1 ? 'fd' : '') : field.slice(0, eq);
      const value = Number(eq < 0 ? field : field.slice(eq + 1));
      if (!Number.isInteger(value)) return;
      if (key === 'pid') user.pid = value;
      else if (key === 'fd') user.fd = value;
    });
    users.push(user);
    if (close < 0) break;
    i = close + 1;
  }
  return users;
}
