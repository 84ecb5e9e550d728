/**
 * `ckpt completion bash|zsh|fish`: prints a shell completion script.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { SHELLS, completionScript, type Shell } from '../completion.js';

export const completionCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('completion')
      .argument('<shell>', `one of ${SHELLS.join(', ')}`)
      .description('print a shell completion script for ckpt')
      .addHelpText('after', examples([
        ['source <(ckpt completion bash)', 'complete ckpt commands and options in the current bash'],
        ['ckpt completion zsh > "${fpath[1]}/_ckpt"', 'install zsh completion'],
        ['ckpt completion fish | source', 'complete in fish'],
      ]));
    bindAction(cmd, ctx, state, (c, [shell]) => {
      if (!SHELLS.includes(shell as Shell)) {
        throw new CkptError('E_USAGE', `unknown shell ${JSON.stringify(shell)}; choose one of ${SHELLS.join(', ')}`);
      }
      c.io.stdout(completionScript(program, shell as Shell));
    });
  },
};
