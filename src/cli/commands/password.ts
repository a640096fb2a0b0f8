/**
 * Passwords for `login` and `users create`: never an argument (it would show in `ps` and the
 * shell history). `--password-stdin` reads a pipe, or prompts without echo on a terminal;
 * otherwise SAMENZICHT_PASSWORD.
 */
import { UsageError } from '../errors.js';

export const PASSWORD_ENV = 'SAMENZICHT_PASSWORD';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed on the terminal, not echoed. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The password: from stdin with `--password-stdin` (the trailing newline of `echo` dropped), else
 * from SAMENZICHT_PASSWORD; `undefined` when neither is given and `required` is false.
 */
export async function readPassword(
  fromStdin: boolean | undefined,
  required: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  let password: string | undefined;
  if (fromStdin) {
    password = process.stdin.isTTY
      ? await promptHidden('password: ')
      : (await readAll(process.stdin)).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('--password-stdin: stdin gave an empty password');
  } else password = env[PASSWORD_ENV] || undefined;
  if (password === undefined && required)
    throw new UsageError(
      `give the password on stdin with --password-stdin, or set ${PASSWORD_ENV} (never as an argument)`,
    );
  return password;
}
