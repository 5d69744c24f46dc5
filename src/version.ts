/**
 * This release's version, written into notebook records so that a grader
 * can tell which version recorded a notebook. Generated from package.json by
 * scripts/write-version.js at build time: change the version there.
 */
export const EXTENSION_VERSION = '0.1.0';
