#!/usr/bin/env node
/**
 * Writes src/core/version.ts from package.json's version, the release's one
 * version number: the Python package takes it from package.json too
 * (hatch-nodejs-version), and the command-line package from the same file
 * (scripts/build-cli.js). Run before every compile (`jlpm build:lib`, the CLI
 * build, jest's configuration), so no copy of the number is kept by hand.
 * The file is rewritten only when its text changes, so watchers stay quiet.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const TARGET = path.join(ROOT, 'src', 'core', 'version.ts');
/** Semantic versions, as npm and hatch-nodejs-version accept them. */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The version in a package.json, refused unless it is a plain semver. */
function packageVersion(root = ROOT) {
  const { version } = JSON.parse(
    fs.readFileSync(path.join(root, 'package.json'), 'utf-8')
  );
  // Checked before it goes into a string literal of the source.
  if (typeof version !== 'string' || !SEMVER.test(version)) {
    throw new Error(
      `package.json: "version" must be a semantic version such as 1.2.3, not ${JSON.stringify(version)}`
    );
  }
  return version;
}

function versionModule(version) {
  return `/**
 * This release's version, written into notebook records so that a grader
 * can tell which version recorded a notebook. Generated from package.json by
 * scripts/write-version.js at build time: change the version there.
 */
export const EXTENSION_VERSION = '${version}';
`;
}

/** Writes src/core/version.ts when it differs; returns the version. */
function writeVersion() {
  const version = packageVersion();
  const text = versionModule(version);
  let current = null;
  try {
    current = fs.readFileSync(TARGET, 'utf-8');
  } catch {
    // Not generated yet.
  }
  if (current !== text) {
    fs.writeFileSync(TARGET, text);
  }
  return version;
}

module.exports = { packageVersion, writeVersion };

if (require.main === module) {
  try {
    writeVersion();
  } catch (error) {
    console.error(`write-version: ${error.message}`);
    process.exit(1);
  }
}
