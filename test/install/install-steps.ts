/**
 * The README's install steps (the `sh` block after the `<!-- install-steps` marker), as commands to
 * run: those "in a clone of this repository", the file they say they write, and those "in your CDK
 * app". Shared by the quick check of the README (install-steps.test.ts) and by the run that follows
 * the steps (run.ts).
 */
export interface InstallSteps {
  /** Commands run in the clone, in order (a line's `&&` chain split into its commands). */
  readonly inClone: string[];
  /** The file the clone's commands write, relative to the clone (their `# writes <path>` comment). */
  readonly writes: string;
  /** Commands run in the CDK app; `<path to the clone>` stands for the clone's directory. */
  readonly inApp: string[];
}

export const INSTALL_MARKER = '<!-- install-steps';
export const CLONE_PLACEHOLDER = '<path to the clone>';

export function installSteps(readme: string): InstallSteps {
  const at = readme.indexOf(INSTALL_MARKER);
  if (at < 0) throw new Error(`README.md has no ${INSTALL_MARKER} marker before its install commands`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error('README.md has no ```sh block after the install-steps marker');
  const inClone: string[] = [];
  const inApp: string[] = [];
  let section: string[] | undefined;
  let writes: string | undefined;
  for (const line of block[1].split('\n').map((l) => l.trim()).filter((l) => l.length > 0)) {
    if (line.startsWith('# in a clone of this repository')) {
      section = inClone;
    } else if (line.startsWith('# in your CDK app')) {
      section = inApp;
    } else if (line.startsWith('#')) {
      continue;
    } else {
      if (!section) throw new Error(`README.md install steps: "${line}" comes before "# in a clone of this repository" or "# in your CDK app"`);
      const [command, comment = ''] = line.split(/\s+#\s+/, 2);
      writes ??= /^writes (\S+)$/.exec(comment)?.[1];
      section.push(...command.split('&&').map((c) => c.trim()));
    }
  }
  if (inClone.length === 0 || inApp.length === 0 || !writes) {
    throw new Error('README.md install steps: expected commands "in a clone of this repository" (one with "# writes <file>") and "in your CDK app"');
  }
  return { inClone, writes, inApp };
}
