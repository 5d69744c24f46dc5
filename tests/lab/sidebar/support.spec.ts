import type { JupyterFrontEnd } from '@jupyterlab/application';
import { CommandRegistry } from '@lumino/commands';
import { sidebarPlugin } from '../../../src/lab/sidebar/plugin';
import { isSupportedJupyterLab } from '../../../src/core/sidebar/support';

describe('isSupportedJupyterLab', () => {
  it.each(['4.4.0', '4.4.1', '4.5.11', '4.6.6', '4.12.0', '4.4.0a1'])(
    'supports %s',
    version => expect(isSupportedJupyterLab(version)).toBe(true)
  );

  it.each(['3.6.8', '4.3.8', '4.0.0', '5.0.0', '5.0.0-alpha.1', '', 'x', '44'])(
    'does not support %s',
    version => expect(isSupportedJupyterLab(version)).toBe(false)
  );
});

describe('the sidebar on a JupyterLab outside the range', () => {
  function fakeApp(version: string) {
    const added: unknown[] = [];
    const app = {
      version,
      commands: new CommandRegistry(),
      shell: { add: (widget: unknown) => added.push(widget) },
      restored: Promise.resolve()
    } as unknown as JupyterFrontEnd;
    return { app, added };
  }

  it('does not start, and says which versions it needs', () => {
    const { app, added } = fakeApp('3.6.8');
    expect(() => sidebarPlugin.activate(app, null, null, null)).toThrow(
      /supports JupyterLab >=4\.4,<5; this is JupyterLab 3\.6\.8/
    );
    expect(added).toHaveLength(0);
    expect(app.commands.hasCommand('testbed:show-sidebar')).toBe(false);
  });

  it('starts on a supported JupyterLab', () => {
    const { app, added } = fakeApp('4.4.1');
    sidebarPlugin.activate(app, null, null, null);
    expect(added).toHaveLength(1);
  });
});
