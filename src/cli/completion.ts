/**
 * Shell completion scripts (bash, zsh, fish) generated from the registered commands and options,
 * so they never drift from the real command line.
 *
 * @module
 */
import type { Command, Option } from 'commander';

/** Shells ckpt can complete in. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** A supported shell name. */
export type Shell = (typeof SHELLS)[number];

interface CommandWords {
  name: string;
  description: string;
  options: string[];
}

function optionWords(options: readonly Option[]): string[] {
  return options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string'));
}

function wordsOf(program: Command): { global: string[]; commands: CommandWords[] } {
  return {
    global: [...optionWords(program.options), '--help'],
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description().split('\n')[0] ?? '',
      options: [...optionWords(c.options), '--json', '--help'],
    })),
  };
}

function bash(program: Command): string {
  const { global, commands } = wordsOf(program);
  const cases = commands.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  return `# ckpt completion for bash. Load with: source <(ckpt completion bash)
_ckpt_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} ${global.join(' ')}" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _ckpt_complete ckpt
`;
}

function zsh(program: Command): string {
  const { commands } = wordsOf(program);
  const described = commands.map((c) => `    '${c.name}:${c.description.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`).join('\n');
  const cases = commands.map((c) => `    ${c.name}) _arguments '*:file:_files' ${c.options.map((o) => `'${o}'`).join(' ')} ;;`).join('\n');
  return `#compdef ckpt
# ckpt completion for zsh. Load with: source <(ckpt completion zsh)
_ckpt() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'ckpt command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _ckpt ckpt
`;
}

function fish(program: Command): string {
  const { commands } = wordsOf(program);
  const lines = commands.flatMap((c) => [
    `complete -c ckpt -n '__fish_use_subcommand' -a ${c.name} -d '${c.description.replace(/'/g, "\\'")}'`,
    ...c.options
      .filter((o) => o.startsWith('--'))
      .map((o) => `complete -c ckpt -n '__fish_seen_subcommand_from ${c.name}' -l ${o.slice(2)}`),
  ]);
  return `# ckpt completion for fish. Load with: ckpt completion fish | source\n${lines.join('\n')}\n`;
}

/** The completion script of `shell` for `program`. */
export function completionScript(program: Command, shell: Shell): string {
  switch (shell) {
    case 'bash': return bash(program);
    case 'zsh': return zsh(program);
    case 'fish': return fish(program);
  }
}
