/**
 * This release's version, written into notebook records so that a grader
 * can tell which version recorded a notebook. A unit test keeps it equal to
 * `package.json`.
 */
export const EXTENSION_VERSION = '0.1.0';
