import { describe, expect, it } from 'vitest';
import { isIdleCommand, readPid1, splitCommands } from './shell-wrapper.js';

describe('splitCommands', () => {
  it('splits at background and list operators, keeping redirections with & in the command', () => {
    const script = 'nohup nginx -g "daemon off;" > /dev/null 2>&1 & nohup python manage.py runserver 127.0.0.1:8080 > /dev/null 2>&1 & tail -f /etc/hosts';
    expect(splitCommands(script)).toEqual([
      { text: 'nohup nginx -g "daemon off;" > /dev/null 2>&1', terminator: '&' },
      { text: 'nohup python manage.py runserver 127.0.0.1:8080 > /dev/null 2>&1', terminator: '&' },
      { text: 'tail -f /etc/hosts', terminator: '' },
    ]);
  });

  it('does not take && || |& &> >&2 or quoted operators for background jobs', () => {
    const cmds = splitCommands(`echo 'a & b' && make >&2 || cat x |& tee y; run &>log; echo "x;y" \\& z`);
    expect(cmds.map((c) => c.terminator)).toEqual(['&&', '||', ';', ';', '']);
    expect(cmds.filter((c) => c.terminator === '&')).toEqual([]);
    expect(cmds[2]!.text).toBe('cat x |& tee y');
  });

  it('splits on newlines', () => {
    expect(splitCommands('a\nb &\nc').map((c) => [c.text, c.terminator])).toEqual([
      ['a', '\n'],
      ['b', '&'],
      ['c', ''],
    ]);
  });
});

describe('isIdleCommand', () => {
  it.each(['tail -f /etc/hosts', 'tail -F /var/log/app.log', 'exec tail -n 0 -f /dev/null', 'tail --follow=name x', 'sleep infinity', 'nohup sleep 99999', 'sleep 365d'])('%s idles', (c) =>
    expect(isIdleCommand(c)).toBe(true),
  );
  it.each(['tail -n 100 app.log', 'sleep 5', 'nginx -g "daemon off;"', 'java -jar app.jar', 'cat'])('%s does not', (c) => expect(isIdleCommand(c)).toBe(false));
});

describe('readPid1', () => {
  it('reads the incident wrapper: two services in the background, tail -f keeping PID 1 alive', () => {
    const r = readPid1(['/bin/sh', '-c', 'nohup nginx -g "daemon off;" > /dev/null 2>&1 & nohup python manage.py runserver 127.0.0.1:8080 > /dev/null 2>&1 & tail -f /etc/hosts']);
    expect(r.kind).toBe('shell-wrapper');
    expect(r.backgrounded).toHaveLength(2);
    expect(r.idler).toBe('tail -f /etc/hosts');
  });

  it('sees -ec and bash -lc, and a while-sleep loop', () => {
    const loop = readPid1(['bash', '-ec', 'service cron start; while true; do sleep 60; done']);
    expect(loop.idler).toMatch(/while true; do sleep/);
    expect(loop.foreground).toEqual(['service cron start']);
    expect(readPid1(['sh', '-c', 'nginx && tail -f /var/log/nginx/access.log']).foreground).toEqual(['nginx']);
    expect(readPid1(['sh', '-c', 'tail -f /dev/null']).foreground).toEqual([]);
    expect(readPid1(['/usr/bin/bash', '-lc', 'java -jar app.jar &\nsleep infinity']).backgrounded).toEqual(['java -jar app.jar']);
  });

  it('accepts init programs, directly or exec-ed by the script', () => {
    expect(readPid1(['/usr/bin/dumb-init', '--', '/nginx-ingress-controller']).kind).toBe('init');
    expect(readPid1(['/sbin/tini', '--', 'sh', '-c', 'a & b']).kind).toBe('init');
    expect(readPid1(['/init']).kind).toBe('init');
    expect(readPid1(['sh', '-c', 'exec tini -- java -jar app.jar']).kind).toBe('init');
  });

  it('leaves plain programs and single foreground commands alone', () => {
    expect(readPid1(['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf']).kind).toBe('other');
    expect(readPid1(['/bin/sh', '-c', 'exec nginx -g "daemon off;"']).kind).toBe('other');
    expect(readPid1(['sh', '-c', 'python app.py && echo done']).kind).toBe('other');
    expect(readPid1([]).kind).toBe('other');
  });

  it('tells a script file from a -c script, and a bare idler from a program', () => {
    expect(readPid1(['/bin/bash', '/entrypoint.sh']).kind).toBe('shell-script');
    expect(readPid1(['busybox', 'sh', '-c', 'httpd & tail -f /dev/null']).kind).toBe('shell-wrapper');
    expect(readPid1(['tail', '-f', '/dev/null']).kind).toBe('idle');
    expect(readPid1(['sleep', 'infinity']).kind).toBe('idle');
  });
});
