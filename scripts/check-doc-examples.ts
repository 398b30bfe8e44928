/**
 * Fails, listing them, when an exported symbol of the API reference has no `@example` with a code
 * block: every top-level export of the entry points in typedoc.json, and the public methods and
 * accessors of exported classes. `npm run docs` does not look for examples; this keeps the rule
 * that every public symbol shows how it is used. It reads each comment where typedoc does, so a
 * comment that never reaches its symbol (one on a re-export that typedoc ignores) fails here too.
 *
 * Run with `npm run docs:check` (tsx scripts/check-doc-examples.ts).
 */
import { Application, type Comment, Converter, type DeclarationReflection, type ProjectReflection, type Reflection, ReflectionKind } from 'typedoc';
import ts from 'typescript';

/** Members of the Promise protocol: they need a comment, but an example would only restate `await`. */
const EXEMPT_MEMBERS = new Set(['then', 'catch', 'finally']);

const CONTAINERS = ReflectionKind.Module | ReflectionKind.Namespace;
const CHECKED_MEMBERS = ReflectionKind.Method | ReflectionKind.Accessor;

/**
 * The names (`Tickets`, `APIPromise.withResponse`) of the exported symbols that lack an example,
 * sorted. `classes` are the reflections of classes, including those typedoc shows as interfaces
 * because they are exported as types only (the resource modules: `export type { Tickets }`).
 */
function symbolsWithoutExample(project: ProjectReflection, classes: ReadonlySet<Reflection>): string[] {
  const missing: string[] = [];
  const visit = (container: { children?: DeclarationReflection[] | undefined }, prefix: string): void => {
    for (const child of container.children ?? []) {
      // A second name for a symbol exported elsewhere: checked where it is declared.
      if (child.kindOf(ReflectionKind.Reference)) continue;
      if (child.kindOf(CONTAINERS)) {
        // An entry point of several is a module: its exports are the top level. A namespace is itself an export.
        if (child.kindOf(ReflectionKind.Namespace) && !hasExample(child)) missing.push(prefix + child.name);
        visit(child, child.kindOf(ReflectionKind.Module) ? `${child.name}: ` : `${prefix}${child.name}.`);
        continue;
      }
      if (!hasExample(child)) missing.push(prefix + child.name);
      if (classes.has(child)) {
        for (const member of child.children ?? []) {
          if (!member.kindOf(CHECKED_MEMBERS)) continue;
          // Inherited from outside the package (Node's `Error.captureStackTrace`): not ours to document.
          if (member.flags.isPrivate || member.flags.isProtected || member.flags.isExternal) continue;
          const name = `${prefix}${child.name}.${member.name}`;
          if (EXEMPT_MEMBERS.has(member.name)) {
            if (!isDocumented(member)) missing.push(`${name} (needs a comment; an example is optional)`);
          } else if (!hasExample(member)) missing.push(name);
        }
      }
    }
  };
  visit(project, '');
  return missing.sort((a, b) => a.localeCompare(b));
}

/** The comment of a function or method lives on its signatures; every signature must show one. */
function hasExample(reflection: DeclarationReflection): boolean {
  return everyComment(reflection, commentHasExample);
}

function isDocumented(reflection: DeclarationReflection): boolean {
  return everyComment(reflection, (comment) => (comment?.summary ?? []).some((part) => part.text.trim() !== ''));
}

function everyComment(reflection: DeclarationReflection, test: (comment: Comment | undefined) => boolean): boolean {
  if (test(reflection.comment)) return true;
  const signatures: Reflection[] = [
    ...(reflection.signatures ?? []),
    ...(reflection.getSignature ? [reflection.getSignature] : []),
    ...(reflection.setSignature && !reflection.getSignature ? [reflection.setSignature] : []),
  ];
  return signatures.length > 0 && signatures.every((signature) => test(signature.comment));
}

/**
 * An `@example` counts when it holds a fenced code block with code in it. (typedoc, as JSDoc does,
 * renders an `@example` that has no fence and no inline code as a code block: that one counts too.)
 */
function commentHasExample(comment: Comment | undefined): boolean {
  return (comment?.getTags('@example') ?? []).some((tag) =>
    tag.content.some((part) => part.kind === 'code' && part.text.startsWith('```') && codeOf(part.text).trim() !== ''),
  );
}

/** The code of a fenced block, without its fences and language. */
function codeOf(fenced: string): string {
  return fenced.replace(/^```[^\n]*\n?/, '').replace(/```\s*$/, '');
}

async function main(): Promise<number> {
  // The same options as `npm run docs` (typedoc.json, then tsconfig), minus the output.
  const app = await Application.bootstrapWithPlugins({});
  if (app.logger.hasErrors()) return 2;
  const classes = new Set<Reflection>();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    const symbol = context.getSymbolFromReflection(reflection);
    if (reflection.kindOf(ReflectionKind.Class) || (symbol && symbol.flags & ts.SymbolFlags.Class)) classes.add(reflection);
  });
  const project = await app.convert();
  if (!project) {
    console.error('typedoc could not convert the entry points (see the errors above).');
    return 2;
  }
  const missing = symbolsWithoutExample(project, classes);
  if (missing.length === 0) {
    console.log('Every exported symbol has an @example.');
    return 0;
  }
  console.error(`${missing.length} exported symbol(s) without an @example (a TSDoc @example tag with a code block):`);
  for (const name of missing) console.error(`  ${name}`);
  return 1;
}

process.exitCode = await main();
