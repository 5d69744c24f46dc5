import { LabIcon } from '@jupyterlab/ui-components';

/** A checklist: the sidebar is where a lab's steps are followed. */
const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 5.5 4.4 4.1 6 5.7 9.1 2.6l1.4 1.4L6 8.5z"/>
    <path d="M3 13.5l1.4-1.4L6 13.7l3.1-3.1 1.4 1.4L6 16.5z"/>
    <rect x="12" y="4" width="10" height="2" rx="1"/>
    <rect x="12" y="12" width="10" height="2" rx="1"/>
    <rect x="4" y="19" width="4" height="2" rx="1"/>
    <rect x="12" y="19" width="10" height="2" rx="1"/>
  </g>
</svg>`;

export const testbedIcon = new LabIcon({
  name: 'jupyterlab-testbed:sidebar',
  svgstr
});
