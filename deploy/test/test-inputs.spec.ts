import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// Nx answers a project's `test` from its cache while none of the target's inputs changed. A spec
// that reads a file outside its project (the protocol page it checks a table of, the example it
// runs) must therefore name that file in the target's inputs, or a change to the file alone is
// "tested" by the result of the run before it: `npm test` passes on a broken page or example.
const root = fileURLToPath(new URL('../../', import.meta.url));
const WORKSPACE = '{workspaceRoot}/';

interface NxTarget {
  inputs?: string[];
}
interface PackageJson {
  nx?: { targets?: Record<string, NxTarget> };
}

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path.length > 0);
const projects = tracked
  .filter((path) =>
    /^(apps|libs)\/[^/]+\/package\.json$|^(deploy|bench)\/package\.json$/.test(path),
  )
  .map((path) => dirname(path));
const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as {
  targetDefaults?: Record<string, NxTarget>;
};

/** A `{workspaceRoot}/…` input (with `*` and `**`) as a test for a path from the root. */
function inputPattern(input: string): RegExp {
  const glob = input.slice(WORKSPACE.length);
  const source = glob
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '*'
          ? '[^/]*'
          : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/** The `{workspaceRoot}` inputs of a project's test target. */
function testInputs(project: string): RegExp[] {
  const pkg = JSON.parse(readFileSync(join(root, project, 'package.json'), 'utf8')) as PackageJson;
  const inputs = pkg.nx?.targets?.test?.inputs ?? nxJson.targetDefaults?.test?.inputs ?? [];
  return inputs.filter((input) => input.startsWith(WORKSPACE)).map(inputPattern);
}

/**
 * Files outside `project` that its specs read by a relative URL (`new URL('../../../docs/…',
 * import.meta.url)`), as paths from the root. Build output (`dist/`) is another project's build,
 * which the target depends on already; directories are where a spec looks, not what it reads.
 */
function filesReadFromOutside(project: string): { spec: string; file: string }[] {
  const specs = tracked.filter((path) => path.startsWith(`${project}/`) && path.endsWith('.ts'));
  return specs.flatMap((spec) => {
    const text = readFileSync(join(root, spec), 'utf8');
    return [...text.matchAll(/new URL\(\s*'((?:\.\.\/)+[^']*)',\s*import\.meta\.url/g)]
      .map(([, url = '']) => relative(root, resolve(root, dirname(spec), url)))
      .filter(
        (file) =>
          !file.startsWith(`${project}/`) &&
          !/(^|\/)dist(\/|$)/.test(file) &&
          existsSync(join(root, file)) &&
          statSync(join(root, file)).isFile(),
      )
      .map((file) => ({ spec, file }));
  });
}

describe("each project's test target", () => {
  it('finds the projects and the files their specs read from outside', () => {
    expect(projects).toEqual(expect.arrayContaining(['libs/contracts', 'libs/nats', 'deploy']));
    expect(projects.flatMap(filesReadFromOutside).length).toBeGreaterThan(0);
  });

  it('names every file outside the project that its specs read in its inputs', () => {
    const unlisted = projects.flatMap((project) => {
      const inputs = testInputs(project);
      return filesReadFromOutside(project)
        .filter(({ file }) => !inputs.some((pattern) => pattern.test(file)))
        .map(({ spec, file }) => `${spec} reads ${file}, which ${project}'s test inputs omit`);
    });
    expect(unlisted).toEqual([]);
  });
});
