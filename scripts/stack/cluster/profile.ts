import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

/** Which local stack runs: the dev server stack (default) or the production-shaped cluster. */
export const ProfileSchema = z.enum(['dev', 'cluster']);
export type Profile = z.infer<typeof ProfileSchema>;

/** Where stack:up records the profile it brought up, so that status and down act on what runs. */
export function profileFile(stateDir: string): string {
  return path.join(stateDir, 'profile');
}

/** The recorded profile; undefined when none was recorded (nothing up, or a stack started before profiles). */
export function recordedProfile(stateDir: string): Profile | undefined {
  try {
    const parsed = ProfileSchema.safeParse(fs.readFileSync(profileFile(stateDir), 'utf8').trim());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function recordProfile(stateDir: string, profile: Profile): void {
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(profileFile(stateDir), `${profile}\n`);
}

export function forgetProfile(stateDir: string): void {
  fs.rmSync(profileFile(stateDir), { force: true });
}

/** Why `stack:up --profile requested` must not run while `active` is up; undefined when it may. */
export function profileConflict(active: Profile | undefined, requested: Profile): string | undefined {
  if (active === undefined || active === requested) return undefined;
  return (
    `the ${active} profile runs and holds the same ports; ` +
    `run \`npm run stack:down\` first, then \`npm run stack:up${requested === 'dev' ? '' : ` -- --profile ${requested}`}\``
  );
}

/** stack:up refused because the other profile runs: a usage error, exit 2 with the message. */
export class ProfileConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileConflictError';
  }
}

/** `--profile <profile>` of stack:up/status/down, test:chaos and bench. */
export function parseProfileOption(value: string): Profile {
  const parsed = ProfileSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('must be dev or cluster');
  return parsed.data;
}
