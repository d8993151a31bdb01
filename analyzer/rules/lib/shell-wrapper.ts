/**
 * Reading a container's PID 1 command line: is it an init that reaps orphans and forwards
 * signals (tini, dumb-init, docker-init, s6, runit...), or a shell wrapper such as
 *   /bin/sh -c 'nohup nginx -g "daemon off;" > /dev/null 2>&1 & nohup python app.py & tail -f /etc/hosts'
 * that backgrounds the real services and then idles? A shell that is PID 1 does not forward
 * SIGTERM to its background jobs and does not reap the orphans they leave, so `docker stop`
 * waits out its timeout and kills everything, and dead children pile up as zombies.
 */

/** Programs that do an init's job in a container: reap every child and pass signals on. */
const INIT_PROGRAMS = new Set([
  'tini',
  'tini-static',
  'docker-init',
  'dumb-init',
  'catatonit',
  'init',
  's6-svscan',
  'runsvdir',
  'runit',
  'runit-init',
  'my_init',
  'supervisord',
  'systemd',
  'openrc-init',
  'pause',
]);

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'ksh', 'mksh', 'zsh', 'busybox']);

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export const isInitProgram = (program: string): boolean => INIT_PROGRAMS.has(baseName(program));
export const isShell = (program: string): boolean => SHELLS.has(baseName(program));

/** One command of a shell script and the operator that ended it. */
export interface ScriptCommand {
  text: string;
  /** ';', '&' (run in the background), '&&', '||', '|', '\n' or '' at the end of the script. */
  terminator: string;
}

/**
 * Splits a shell script into its top-level commands at unquoted ; & && || | and newlines.
 * Redirections that contain & (2>&1, >&2, &>file, |&) are part of a command, not operators.
 * Linear in the script length; quotes and backslashes are honoured, nesting is not parsed.
 */
export function splitCommands(script: string): ScriptCommand[] {
  const out: ScriptCommand[] = [];
  let start = 0;
  let quote: '"' | "'" | null = null;
  const push = (end: number, terminator: string, next: number) => {
    const text = script.slice(start, end).trim();
    if (text !== '' || terminator === '&') out.push({ text, terminator });
    start = next;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    const next = script[i + 1];
    const prev = i > 0 ? script[i - 1] : '';
    if (ch === '&') {
      if (prev === '>' || prev === '<' || prev === '|' || next === '>') continue; // 2>&1, <&3, |&, &>file
      if (next === '&') {
        push(i, '&&', i + 2);
        i++;
      } else {
        push(i, '&', i + 1);
      }
    } else if (ch === '|') {
      if (prev === '>') continue; // >| clobber
      if (next === '|') {
        push(i, '||', i + 2);
        i++;
      } else if (next !== '&') {
        push(i, '|', i + 1);
      }
    } else if (ch === ';') {
      if (next === ';') continue; // case ... ;;
      push(i, ';', i + 1);
    } else if (ch === '\n') {
      push(i, '\n', i + 1);
    }
  }
  push(script.length, '', script.length);
  return out;
}

const IDLE_COMMAND = /^(exec\s+)?(tail\s+(\S+\s+)*(-[A-Za-z]*[fF][A-Za-z]*|--follow(=\S+)?)(\s|$)|sleep\s+(infinity|inf|\d{5,}[smhd]?|\d{3,}[hd])(\s|$))/;
const IDLE_LOOP = /\bwhile\s+(true|:|\[\s*1\s*\])\s*;?\s*do\b[^]*?\bsleep\b/;

/** Whether a command only keeps PID 1 alive (tail -f, sleep infinity or hours). */
export function isIdleCommand(text: string): boolean {
  return IDLE_COMMAND.test(stripPrefixes(text));
}

/** nohup, env assignments and exec in front of a command, removed to see the program. */
function stripPrefixes(text: string): string {
  let t = text.trim();
  for (;;) {
    const m = /^(nohup|setsid|env|[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|\S*))\s+/.exec(t);
    if (!m) return t;
    t = t.slice(m[0].length);
  }
}

export interface Pid1Reading {
  /**
   * init: PID 1 is an init program; shell-wrapper: a shell running a -c script that backgrounds
   * services or idles; idle: PID 1 itself only idles (tail -f, sleep infinity); shell-script: a
   * shell running a script file (its content is not visible); other: a program run directly.
   */
  kind: 'init' | 'shell-wrapper' | 'idle' | 'shell-script' | 'other';
  /** Commands the script sends to the background. */
  backgrounded: string[];
  /** The command that keeps PID 1 alive, when there is one. */
  idler: string | null;
  /** Other commands the script runs in the foreground (e.g. `service nginx start`, which daemonises). */
  foreground: string[];
  /** The -c script, when PID 1 is a shell running one. */
  script: string | null;
}

/** Reads a PID 1 command line (docker Path followed by Args). */
export function readPid1(argv: readonly string[]): Pid1Reading {
  const none = { backgrounded: [], idler: null, foreground: [], script: null };
  const program = argv[0];
  if (!program) return { kind: 'other', ...none };
  if (isInitProgram(program)) return { kind: 'init', ...none };
  if (isShell(program)) {
    let i = 1;
    if (baseName(program) === 'busybox' && argv[1] && isShell(argv[1])) i = 2;
    for (; i < argv.length; i++) {
      const arg = argv[i]!;
      if (!arg.startsWith('-') || arg === '--' || arg === '-') break;
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg)) return readScript(argv[i + 1] ?? '');
    }
    return { kind: 'shell-script', ...none };
  }
  const line = argv.join(' ');
  if (isIdleCommand(line)) return { kind: 'idle', backgrounded: [], idler: line, foreground: [], script: null };
  return { kind: 'other', ...none };
}

function readScript(script: string): Pid1Reading {
  const commands = splitCommands(script);
  const backgrounded = commands.filter((c) => c.terminator === '&' && c.text !== '').map((c) => c.text);
  const first = commands[0] ? stripPrefixes(commands[0].text) : '';
  // a script that hands PID 1 to an init (exec tini -- ...) is fine
  if (/^exec\s/.test(first) && isInitProgram(first.replace(/^exec\s+/, '').split(/\s+/)[0] ?? '')) {
    return { kind: 'init', backgrounded: [], idler: null, foreground: [], script };
  }
  const inForeground = commands.filter((c) => c.terminator !== '&' && c.text !== '');
  const idleCommand = inForeground.find((c) => isIdleCommand(c.text))?.text ?? null;
  const loop = IDLE_LOOP.exec(script);
  const idler = idleCommand ?? (loop ? loop[0] : null);
  // the pieces of a while-sleep loop are part of the idler, not commands of their own
  const foreground = inForeground.map((c) => c.text).filter((t) => t !== idleCommand && !(loop && /^(while|until|do|done)\b/.test(t)));
  if (backgrounded.length === 0 && idler === null) return { kind: 'other', backgrounded, idler, foreground, script };
  return { kind: 'shell-wrapper', backgrounded, idler, foreground, script };
}
