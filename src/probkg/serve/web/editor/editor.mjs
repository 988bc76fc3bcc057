// The SPARQL editor of the web page: CodeMirror 6 with the SPARQL mode of
// @codemirror/legacy-modes, completing the project's prefixes and ontology terms.
// Bundled by esbuild (scripts/setup.d/editor.sh) into ../static/vendor/editor.js;
// app.js imports that file if it is there and keeps the plain textarea if not.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, placeholder } from "@codemirror/view";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "GROUP BY", "ORDER BY", "LIMIT", "OFFSET",
  "VALUES", "BIND", "UNION", "MINUS", "CONSTRUCT", "DESCRIBE", "ASK", "PREFIX", "COUNT", "GRAPH", "HAVING",
  "CONTAINS", "STRSTARTS", "LCASE", "STR", "LANG", "YEAR", "DESC", "ASC"];

// Completions for the word before the cursor: "pk" offers the prefix "pko:", "pko:Ins" the
// ontology's terms under it, a bare word the keywords too.
function completer(prefixes, terms) {
  const prefixOptions = Object.entries(prefixes).map(([name, iri]) => ({ label: `${name}:`, type: "namespace", detail: iri }));
  const termOptions = terms.map((t) => ({ label: t.name, type: t.kind === "class" ? "class" : "property", detail: t.label, info: t.definition || undefined }));
  const keywordOptions = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w.-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const options = word.text.includes(":") ? termOptions : [...prefixOptions, ...keywordOptions];
    return { from: word.from, options, validFor: /^[\w.:-]*$/ };
  };
}

// Replace `textarea` with an editor; the textarea stays in the form, hidden, holding the text.
// `nonce` is the page's CSP nonce for the <style> element CodeMirror adds.
export function createEditor(textarea, { prefixes, terms, onRun, onChange, nonce }) {
  const sync = EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    textarea.value = update.state.doc.toString();
    onChange();
  });
  const run = { key: "Mod-Enter", run: () => { onRun(); return true; } };
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), history(), bracketMatching(), closeBrackets(), placeholder("SELECT …"),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [completer(prefixes, terms)] }),
        keymap.of([run, ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
        sync, EditorView.lineWrapping, EditorView.cspNonce.of(nonce),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  return {
    view,
    get: () => view.state.doc.toString(),
    set: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
  };
}
