"""Explanations of findings (rule doc + finding + code + optional model text) and model-made
fixes that plantls re-checks before offering them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from plantls.ai.backends.base import BackendError, CancelToken, GenerationRequest, context_length
from plantls.ai.prompt import build_prompt, model_prompt_style
from plantls.ai.service import ModelService
from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.language import Language, languages
from plantls.core.positions import split_lines
from plantls.core.rules import Rule
from plantls.core.workspace import Workspace

CONTEXT_LINES = 3
PROSE_TOKENS = 160
FENCE = {"iec-st": "iecst", "opendss": "", "fab-recipe": "yaml", "fab-tool": "yaml"}


def rule_for(code: str) -> Rule | None:
    """The rule with this code in any language (AI rules included)."""
    from plantls.ai.hints import AI_RULES

    for rule in AI_RULES:
        if rule.code == code:
            return rule
    for lang in languages():
        for rule in lang.rules():
            if rule.code == code:
                return rule
    return None


def findings_on(
    workspace: Workspace, doc: Document, first: int, last: int | None = None
) -> list[Diagnostic]:
    """Findings (after settings) whose range touches lines ``first``..``last`` (0-based)."""
    last = first if last is None else last
    return [
        d
        for d in workspace.diagnostics(doc)
        if d.range.start.line <= last and d.range.end.line >= first
    ]


def code_excerpt(doc: Document, line: int, around: int = CONTEXT_LINES) -> str:
    """Lines around ``line`` with 1-based numbers, the line itself marked."""
    lines = split_lines(doc.text)
    lo, hi = max(0, line - around), min(len(lines), line + around + 1)
    width = len(str(hi))
    return "\n".join(
        f"{'>' if n == line else ' '}{n + 1:>{width}} | {lines[n]}" for n in range(lo, hi)
    )


def _prose_prompt(service: ModelService, doc: Document, finding: Diagnostic | None,
                  rule: Rule | None, excerpt: str) -> str:
    what = (
        f"The checker reports {finding.code}: {finding.message}" if finding else
        "Explain what this code does."
    )
    summary = f"\nRule: {rule.summary}" if rule else ""
    question = (
        f"{what}{summary}\n\nCode ({doc.language_id}):\n{excerpt}\n\n"
        "In two or three sentences, explain the problem for a controls engineer and how to fix "
        "it. Say so if you are unsure."
    )
    backend = service.backend
    tok = backend.tokenizer() if backend is not None else None
    template = getattr(tok, "apply_chat_template", None)
    if callable(template) and getattr(tok, "chat_template", None):
        try:
            text = template(
                [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True
            )
            if isinstance(text, str):
                return text
        except Exception:
            pass
    return question + "\n\nAnswer:"


def model_prose(
    service: ModelService,
    doc: Document,
    finding: Diagnostic | None,
    rule: Rule | None,
    excerpt: str,
    cancel: CancelToken | None = None,
) -> str:
    """The model's explanation (blocking; call on the model thread). "" when not allowed."""
    if not service.prose_allowed() or service.backend is None:
        return ""
    prompt = _prose_prompt(service, doc, finding, rule, excerpt)
    try:
        result = service.backend.generate(
            GenerationRequest(prompt, max_new_tokens=PROSE_TOKENS, stop=("\n\n\n",)), cancel
        )
    except BackendError as exc:
        return f"_(the model failed: {exc})_"
    return result.text.strip()


@dataclass
class Explanation:
    """The parts of an answer, kept apart so the markdown says where each came from."""

    findings: list[Diagnostic]
    rules: dict[str, Rule | None]
    excerpt: str
    language_id: str
    prose: str = ""
    prose_note: str = ""
    model_name: str = ""

    def markdown(self) -> str:
        """The answer, rule doc and model text in separate, labelled sections."""
        out: list[str] = []
        if not self.findings:
            out.append("**No findings on this line.**\n")
        for d in self.findings:
            rule = self.rules.get(d.code)
            title = f"{d.code} {rule.name}" if rule else d.code
            out.append(f"### {title}\n")
            out.append(
                f"**Finding** (line {d.range.start.line + 1}, {d.severity.label}): {d.message}\n"
            )
            if rule is not None:
                out.append("#### From the rule documentation\n")
                out.append(f"{rule.summary}\n")
                out.append(f"**Why.** {rule.doc.why.strip()}\n")
                out.append(f"**Fix.** {rule.doc.fix.strip()}\n")
                if rule.doc.example.strip():
                    fence = FENCE.get(self.language_id, "")
                    out.append(f"**Example.**\n\n```{fence}\n{rule.doc.example.strip()}\n```\n")
        out.append("#### The code\n")
        out.append(f"```\n{self.excerpt}\n```\n")
        if self.prose:
            out.append(f"#### Model notes (generated by {self.model_name}; may be wrong)\n")
            out.append(
                "> _Generated text, not checked by plantls: verify it against the rule "
                "documentation above._\n>\n"
                + "\n".join(f"> {line}" for line in self.prose.splitlines())
                + "\n"
            )
        elif self.prose_note:
            out.append(f"_{self.prose_note}_\n")
        return "\n".join(out)


def explain_static(
    workspace: Workspace, doc: Document, first: int, last: int | None = None
) -> Explanation:
    """Everything that does not need the model."""
    found = findings_on(workspace, doc, first, last)
    line = found[0].range.start.line if found else first
    return Explanation(
        findings=found,
        rules={d.code: rule_for(d.code) for d in found},
        excerpt=code_excerpt(doc, line),
        language_id=doc.language_id,
    )


def add_prose(service: ModelService | None, exp: Explanation, doc: Document,
              cancel: CancelToken | None = None) -> Explanation:
    """Add the model's text where allowed (blocking), or a note saying why there is none."""
    if service is None or not service.ready:
        exp.prose_note = "No model is loaded: this answer comes from the rule documentation only."
        return exp
    if not service.prose_allowed():
        exp.prose_note = (
            "Model text is off for this model (setting model.prose; small completion models "
            "are not reliable explainers)."
        )
        return exp
    finding = exp.findings[0] if exp.findings else None
    rule = exp.rules.get(finding.code) if finding else None
    exp.prose = model_prose(service, doc, finding, rule, exp.excerpt, cancel)
    exp.model_name = service.describe()
    return exp


# -- fixes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fix:
    """A model-made replacement of whole lines, verified by re-checking."""

    finding: Diagnostic
    first_line: int
    last_line: int
    new_text: str
    """Replacement for lines first..last (without the final newline)."""

    @property
    def title(self) -> str:
        """Code action title, tagged as model-generated."""
        preview = self.new_text.strip().splitlines()[0][:60] if self.new_text.strip() else ""
        return f"Suggested fix (model-generated): {preview}"


def _key(d: Diagnostic) -> tuple[str, str]:
    return d.code, d.message


def propose_fix_text(service: ModelService, doc: Document, finding: Diagnostic,
                     header: str = "", cancel: CancelToken | None = None) -> str | None:
    """Ask the model for the finding's line(s) again (FIM: the lines are the hole)."""
    backend = service.backend
    if backend is None:
        return None
    lines = split_lines(doc.text)
    first, last = finding.range.start.line, finding.range.end.line
    if last - first > 3:
        return None
    old_line = lines[first]
    indent = old_line[: len(old_line) - len(old_line.lstrip())]
    prefix = "\n".join(lines[:first]) + ("\n" if first else "") + indent
    suffix = "\n" + "\n".join(lines[last + 1 :])
    prompt = build_prompt(
        prefix, suffix, header, doc.language_id, backend.tokenizer(), context_length(backend), 64,
        fim=model_prompt_style(service.settings.model.path) != "prefix",
    )
    try:
        result = backend.generate(
            GenerationRequest(
                prompt.text,
                max_new_tokens=64,
                stop=(*prompt.stops, "\n"),
                prompt_ids=prompt.ids,
                suffix=prompt.server_suffix,
            ),
            cancel,
        )
    except BackendError:
        return None
    text = result.text.split("\n", 1)[0].rstrip()
    return indent + text.lstrip() if text.strip() else None


def verify_fix(language: Language, workspace: Workspace, doc: Document, finding: Diagnostic,
               new_text: str) -> bool:
    """True when the edited document no longer has the finding and has no new finding."""
    lines = split_lines(doc.text)
    first, last = finding.range.start.line, finding.range.end.line
    if "\n".join(lines[first : last + 1]) == new_text:
        return False
    edited = "\n".join([*lines[:first], new_text, *lines[last + 1 :]])
    scratch = Document(uri="plantls-scratch:" + doc.uri, text=edited,
                       language_id=doc.language_id, version=doc.version)
    scratch_before = Document(uri="plantls-scratch:" + doc.uri, text=doc.text,
                              language_id=doc.language_id, version=doc.version)
    try:
        before = Counter(_key(d) for d in workspace.diagnostics(scratch_before))
        after = Counter(_key(d) for d in workspace.diagnostics(scratch))
    finally:
        language.forget(scratch.uri, workspace)
    if after[_key(finding)] >= before[_key(finding)]:
        return False
    return not (after - before)
