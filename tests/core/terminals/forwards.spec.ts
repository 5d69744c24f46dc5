import {
  browseTarget,
  forwardNode,
  localForwards,
  parseLocalForward
} from '../../../src/core/terminals/forwards';

describe('localForwards', () => {
  it('reads the dashboards lab line: port, host, port and the target', () => {
    expect(
      localForwards(
        '# runs in *your local terminal*\nssh -L 8443:127.0.0.1:8443 -i ~/.ssh/id_rsa_chameleon cc@A.B.C.D'
      )
    ).toEqual([
      {
        localPort: 8443,
        host: '127.0.0.1',
        remotePort: 8443,
        target: 'A.B.C.D'
      }
    ]);
  });

  it('reads a bind address, joined -L, several forwards and option arguments', () => {
    expect(
      localForwards(
        'ssh -p 22 -L127.0.0.1:80:node2:8080 -L [::1]:9000:[fe80::1]:90 -N cc@10.0.0.1'
      )
    ).toEqual([
      { localPort: 80, host: 'node2', remotePort: 8080, target: '10.0.0.1' },
      { localPort: 9000, host: 'fe80::1', remotePort: 90, target: '10.0.0.1' }
    ]);
  });

  it('reads -L joined to other flags, as ssh does (`-NL`, `-fNL8888:...`)', () => {
    expect(
      localForwards(
        'ssh -NL 8443:127.0.0.1:8443 cc@A.B.C.D\nssh -fNL8888:localhost:8888 -i key cc@10.0.0.1'
      )
    ).toEqual([
      {
        localPort: 8443,
        host: '127.0.0.1',
        remotePort: 8443,
        target: 'A.B.C.D'
      },
      {
        localPort: 8888,
        host: 'localhost',
        remotePort: 8888,
        target: '10.0.0.1'
      }
    ]);
    // A forward's spec is never taken for the line's target.
    expect(localForwards('ssh -NL 8443:127.0.0.1:8443')).toEqual([]);
  });

  it('reads options written after the destination, as ssh does, up to the remote command', () => {
    expect(
      localForwards('ssh cc@A.B.C.D -i key -L 8443:127.0.0.1:8443 -N')
    ).toEqual([
      {
        localPort: 8443,
        host: '127.0.0.1',
        remotePort: 8443,
        target: 'A.B.C.D'
      }
    ]);
    // What follows the remote command, or `--`, is the command's, not ssh's.
    expect(localForwards('ssh cc@A.B.C.D ls -L 1:h:2')).toEqual([]);
    expect(localForwards('ssh -- cc@A.B.C.D -L 1:h:2')).toEqual([]);
  });

  it('refuses hosts that are not plain and ports out of range', () => {
    for (const spec of [
      '8443:-oProxyCommand=x:80',
      '8443:a b:80',
      '0:h:80',
      '8443:h:70000',
      '8443:h',
      'x:8443:h:80:1',
      '8443:h$(id):80'
    ]) {
      expect(parseLocalForward(spec)).toBeNull();
    }
    expect(localForwards('ssh cc@A.B.C.D\nscp -L 1:h:2 x')).toEqual([]);
  });

  it('stays linear on a long crafted line', () => {
    const line = `ssh ${'-L 1:h:2 '.repeat(2000)}cc@x`;
    const started = Date.now();
    localForwards(line.repeat(20));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('browseTarget', () => {
  it('takes the scheme and path of the lab’s browse sentence for that port', () => {
    const text =
      'Then browse [https://127.0.0.1:8443/dashboard](https://127.0.0.1:8443/dashboard).';
    expect(browseTarget(text, { localPort: 8443, remotePort: 8443 })).toEqual({
      scheme: 'https',
      path: '/dashboard'
    });
  });

  it('guesses https for 443 and 8443 without a sentence, http otherwise', () => {
    expect(browseTarget('', { localPort: 1, remotePort: 8443 }).scheme).toBe(
      'https'
    );
    expect(
      browseTarget('http://localhost:9/x', {
        localPort: 8080,
        remotePort: 8080
      })
    ).toEqual({ scheme: 'http', path: '/' });
  });

  it.each([
    'http://127.0.0.1:8080/../../../files/secret.html',
    'http://127.0.0.1:8080/a/%2e%2e/%2E%2E/files/x',
    'http://127.0.0.1:8080/..\\..\\files/x',
    'http://127.0.0.1:8080/%E0%A4%A'
  ])('never leads the tab out of the forward’s route: %s', text => {
    expect(browseTarget(text, { localPort: 8080, remotePort: 8080 })).toEqual({
      scheme: 'http',
      path: '/'
    });
  });
});

describe('forwardNode', () => {
  const hosts = {
    node1: ['10.199.0.2', 'node1'],
    node2: ['192.168.1.12', 'node2']
  };

  it('maps the ssh target to the node with that address', () => {
    expect(forwardNode('10.199.0.2', hosts)).toBe('node1');
    expect(forwardNode('node2', hosts)).toBe('node2');
  });

  it('maps nothing for an unfilled placeholder or another host', () => {
    expect(forwardNode('A.B.C.D', hosts)).toBeNull();
    expect(forwardNode('evil.example', hosts)).toBeNull();
    expect(forwardNode('', { a: [''] })).toBeNull();
  });
});
