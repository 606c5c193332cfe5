;;; plantls.el --- plantls for Emacs: Structured Text, OpenDSS and fab recipes  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: languages, plc, iec-61131-3, opendss
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; Major modes with highlighting, comments and indentation for the files plantls checks, and
;; their registration with eglot (built into Emacs 29+; the `eglot' package on Emacs 28):
;;
;;   iec-st-mode      .st .iecst .TcPOU .TcGVL .TcDUT   IEC 61131-3 Structured Text
;;   opendss-mode     .dss                              OpenDSS scripts
;;   fab-recipe-mode  *.recipe.yaml                     fab recipes
;;   fab-tool-mode    *.tool.yaml                       fab tool capability files
;;
;; Load it as it is from your init file:
;;
;;   (load "/path/to/plantls/clients/emacs/plantls.el")
;;
;; Opening one of these files starts `plantls serve' (from PATH) through eglot; set
;; `plantls-auto-start' to nil to start it yourself with M-x eglot.  Settings (the keys of
;; plantls.toml) go in `plantls-settings', for example:
;;
;;   (setq plantls-settings '(:rules (:ignore ["ST205"]) :st (:known_libraries ["Tc2_Standard"])))
;;
;; They are sent as initializationOptions; a project can also answer the server's
;; workspace/configuration request with eglot's own variable, in .dir-locals.el:
;;
;;   ((nil . ((eglot-workspace-configuration . (:plantls (:rules (:ignore ["ST205"])))))))

;;; Code:

(require 'prog-mode)

(defgroup plantls nil
  "plantls: checks and editor features for PLC, grid and fab files."
  :group 'languages
  :prefix "plantls-")

(defcustom plantls-command '("plantls" "serve")
  "Command that starts the plantls language server on stdio."
  :type '(repeat string))

(defcustom plantls-settings nil
  "plantls settings as a plist, sent as initializationOptions.
The keys are those of plantls.toml: (:rules (:ignore [\"ST205\"]) :model (:backend \"none\"))."
  :type 'sexp)

(defcustom plantls-auto-start t
  "When non-nil, opening a plantls file starts eglot (`eglot-ensure')."
  :type 'boolean)

(defcustom plantls-indent-offset 4
  "Indentation of Structured Text blocks."
  :type 'integer)

;;;; Structured Text

(defconst plantls--st-keywords
  '("IF" "THEN" "ELSIF" "ELSE" "END_IF" "CASE" "OF" "END_CASE" "FOR" "TO" "BY" "DO" "END_FOR"
    "WHILE" "END_WHILE" "REPEAT" "UNTIL" "END_REPEAT" "EXIT" "CONTINUE" "RETURN" "JMP"
    "AND" "OR" "XOR" "NOT" "MOD" "AND_THEN" "OR_ELSE"))

(defconst plantls--st-structure
  '("PROGRAM" "END_PROGRAM" "FUNCTION" "END_FUNCTION" "FUNCTION_BLOCK" "END_FUNCTION_BLOCK"
    "METHOD" "END_METHOD" "PROPERTY" "END_PROPERTY" "INTERFACE" "END_INTERFACE" "ACTION"
    "END_ACTION" "TYPE" "END_TYPE" "STRUCT" "END_STRUCT" "UNION" "END_UNION" "EXTENDS"
    "IMPLEMENTS" "VAR" "VAR_INPUT" "VAR_OUTPUT" "VAR_IN_OUT" "VAR_GLOBAL" "VAR_EXTERNAL"
    "VAR_TEMP" "VAR_STAT" "VAR_INST" "VAR_CONFIG" "END_VAR" "CONSTANT" "RETAIN" "PERSISTENT"
    "CONFIGURATION" "END_CONFIGURATION" "RESOURCE" "END_RESOURCE" "TASK" "WITH" "AT"
    "ABSTRACT" "FINAL" "PUBLIC" "PRIVATE" "PROTECTED" "INTERNAL"))

(defconst plantls--st-types
  '("BOOL" "BYTE" "WORD" "DWORD" "LWORD" "SINT" "USINT" "INT" "UINT" "DINT" "UDINT" "LINT"
    "ULINT" "REAL" "LREAL" "TIME" "LTIME" "DATE" "TIME_OF_DAY" "TOD" "DATE_AND_TIME" "DT"
    "STRING" "WSTRING" "CHAR" "WCHAR" "ARRAY" "POINTER" "REFERENCE" "REF_TO" "ANY"))

(defconst plantls--st-blocks
  '("TON" "TOF" "TP" "TONR" "CTU" "CTD" "CTUD" "R_TRIG" "F_TRIG" "SR" "RS"))

(defconst plantls--st-font-lock-keywords
  `((,(concat "\\_<" (regexp-opt '("PROGRAM" "FUNCTION" "FUNCTION_BLOCK" "METHOD" "PROPERTY"
                                   "INTERFACE" "ACTION" "TYPE")
                                 t)
              "\\s-+\\(\\(?:\\sw\\|\\s_\\)+\\)")
     (2 font-lock-function-name-face))
    (,(concat "\\_<" (regexp-opt plantls--st-structure t) "\\_>") . font-lock-keyword-face)
    (,(concat "\\_<" (regexp-opt plantls--st-keywords t) "\\_>") . font-lock-keyword-face)
    (,(concat "\\_<" (regexp-opt plantls--st-types t) "\\_>") . font-lock-type-face)
    (,(concat "\\_<" (regexp-opt plantls--st-blocks t) "\\_>") . font-lock-builtin-face)
    ("\\_<\\(TRUE\\|FALSE\\)\\_>" . font-lock-constant-face)
    ("\\_<\\(?:L?T\\|L?TIME\\|D\\|DT\\|TOD\\|DATE\\)#[-0-9a-zA-Z_.:]+" . font-lock-constant-face)
    ("\\_<\\(?:2\\|8\\|16\\)#[0-9a-fA-F_]+" . font-lock-constant-face)
    ("{[^}\n]*}" . font-lock-preprocessor-face)
    ("</?[A-Za-z][A-Za-z0-9_:.-]*\\|<!\\[CDATA\\[\\|\\]\\]>\\|/?>" . font-lock-preprocessor-face))
  "Highlighting for `iec-st-mode' (matched without case).")

(defvar iec-st-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; (* block comments *) (style a, nestable) and // line comments (style b)
    (modify-syntax-entry ?\( "()1n" st)
    (modify-syntax-entry ?\) ")(4n" st)
    (modify-syntax-entry ?* ". 23n" st)
    (modify-syntax-entry ?/ ". 12b" st)
    (modify-syntax-entry ?\n "> b" st)
    (modify-syntax-entry ?' "\"" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?$ "\\" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?# "_" st)
    (modify-syntax-entry ?: "." st)
    (modify-syntax-entry ?= "." st)
    (modify-syntax-entry ?< "." st)
    (modify-syntax-entry ?> "." st)
    (modify-syntax-entry ?+ "." st)
    (modify-syntax-entry ?- "." st)
    st)
  "Syntax table for `iec-st-mode'.")

(defconst plantls--st-open-re
  (concat "^\\s-*\\(?:"
          (regexp-opt '("VAR" "VAR_INPUT" "VAR_OUTPUT" "VAR_IN_OUT" "VAR_GLOBAL" "VAR_EXTERNAL"
                        "VAR_TEMP" "VAR_STAT" "VAR_INST" "STRUCT" "UNION" "REPEAT" "ELSE"
                        "ELSIF" "CASE" "PROGRAM" "FUNCTION" "FUNCTION_BLOCK" "METHOD"
                        "PROPERTY" "ACTION" "INTERFACE"))
          "\\_>\\|.*\\_<\\(?:THEN\\|DO\\|OF\\)\\s-*\\(?://.*\\)?$\\)")
  "A line after which Structured Text indents one level.")

(defconst plantls--st-close-re
  "^\\s-*\\(?:END_[A-Za-z_]+\\|ELSE\\|ELSIF\\|UNTIL\\)\\_>"
  "A line that closes a Structured Text block (one level out).")

(defun plantls--st-indent-line ()
  "Indent the current line of Structured Text by the block keywords around it."
  (interactive)
  (let* ((case-fold-search t)
         (indent
          (save-excursion
            (beginning-of-line)
            (let ((closing (looking-at-p plantls--st-close-re))
                  (base 0))
              (when (re-search-backward "^[ \t]*[^ \t\n]" nil t)
                (setq base (current-indentation))
                (when (looking-at-p plantls--st-open-re)
                  (setq base (+ base plantls-indent-offset))))
              (max 0 (if closing (- base plantls-indent-offset) base))))))
    (if (<= (current-column) (current-indentation))
        (indent-line-to indent)
      (save-excursion (indent-line-to indent)))))

;;;###autoload
(define-derived-mode iec-st-mode prog-mode "IEC-ST"
  "Major mode for IEC 61131-3 Structured Text, checked by plantls."
  :syntax-table iec-st-mode-syntax-table
  (setq-local font-lock-defaults '(plantls--st-font-lock-keywords nil t))
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|(\\*+\\)\\s-*")
  (setq-local indent-line-function #'plantls--st-indent-line)
  (setq-local indent-tabs-mode nil))

;;;; OpenDSS

(defconst plantls--dss-font-lock-keywords
  `((,(concat "^\\s-*" (regexp-opt '("New" "Edit" "More" "Redirect" "Compile" "Clear"
                                     "ClearAll" "Solve" "Set" "Show" "Export" "Plot" "Select"
                                     "Disable" "Enable" "Buscoords" "CalcVoltageBases"
                                     "Reset" "Sample" "Like")
                                   t)
              "\\_>")
     (1 font-lock-keyword-face))
    ("^\\s-*~" . font-lock-keyword-face)
    ("\\_<\\([A-Za-z]+\\)\\.\\([^ \t\n=!]+\\)"
     (1 font-lock-type-face) (2 font-lock-function-name-face))
    ("\\_<\\([A-Za-z_%][A-Za-z0-9_%-]*\\)\\s-*=" (1 font-lock-variable-name-face)))
  "Highlighting for `opendss-mode' (matched without case).")

(defvar opendss-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?! "<" st)
    (modify-syntax-entry ?/ ". 12b" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?' "\"" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?. "_" st)
    st)
  "Syntax table for `opendss-mode'.")

;;;###autoload
(define-derived-mode opendss-mode prog-mode "OpenDSS"
  "Major mode for OpenDSS scripts, checked by plantls."
  :syntax-table opendss-mode-syntax-table
  (setq-local font-lock-defaults '(plantls--dss-font-lock-keywords nil t))
  (setq-local comment-start "! ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?:!+\\|//+\\)\\s-*"))

;;;; Fab recipes and tool files (YAML)

(defconst plantls--yaml-font-lock-keywords
  '(("^\\s-*\\(?:-\\s-+\\)?\\([A-Za-z_][A-Za-z0-9_ .-]*\\)\\s-*:\\(?:\\s-\\|$\\)"
     (1 font-lock-variable-name-face))
    ("[{,]\\s-*\\([A-Za-z_][A-Za-z0-9_.-]*\\)\\s-*:" (1 font-lock-variable-name-face))
    ("\\_<type:\\s-*\\([a-z_]+\\)" (1 font-lock-keyword-face))
    ("\\(\\${\\)\\s-*\\([A-Za-z_][A-Za-z0-9_]*\\)\\s-*\\(}\\)" (2 font-lock-function-name-face))
    ("\\_<[-+]?[0-9.]+\\(?:[eE][-+]?[0-9]+\\)?\\s-*\\([A-Za-z%°µ][A-Za-z0-9/%°^]*\\)"
     (1 font-lock-type-face))
    ("\\_<\\(true\\|false\\|null\\|yes\\|no\\)\\_>" . font-lock-constant-face))
  "Highlighting for `fab-recipe-mode' and `fab-tool-mode'.")

(defvar plantls-yaml-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?# "<" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?' "\"" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?- "_" st)
    st)
  "Syntax table for the fab YAML modes.")

(define-derived-mode plantls-yaml-mode prog-mode "plantls-YAML"
  "Base mode for the YAML files plantls checks."
  :syntax-table plantls-yaml-mode-syntax-table
  (setq-local font-lock-defaults '(plantls--yaml-font-lock-keywords))
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "#+\\s-*")
  (setq-local indent-line-function #'indent-relative)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 2))

;;;###autoload
(define-derived-mode fab-recipe-mode plantls-yaml-mode "Fab-Recipe"
  "Major mode for fab recipes (*.recipe.yaml), checked by plantls.")

;;;###autoload
(define-derived-mode fab-tool-mode plantls-yaml-mode "Fab-Tool"
  "Major mode for fab tool capability files (*.tool.yaml), checked by plantls.")

;;;; Files

;;;###autoload
(progn
  (add-to-list 'auto-mode-alist '("\\.\\(?:st\\|iecst\\|TcPOU\\|TcGVL\\|TcDUT\\)\\'" . iec-st-mode))
  (add-to-list 'auto-mode-alist '("\\.dss\\'" . opendss-mode))
  (add-to-list 'auto-mode-alist '("\\.recipe\\.ya?ml\\'" . fab-recipe-mode))
  (add-to-list 'auto-mode-alist '("\\.tool\\.ya?ml\\'" . fab-tool-mode)))

;;;; eglot

(defconst plantls-modes '(iec-st-mode opendss-mode fab-recipe-mode fab-tool-mode)
  "The major modes plantls serves; eglot sends their names less -mode as language ids.")

(defun plantls--eglot-contact (&optional _interactive)
  "The eglot contact for plantls: `plantls-command' with `plantls-settings'."
  (append plantls-command
          (list :initializationOptions (or plantls-settings (make-hash-table)))))

(defun plantls--maybe-start ()
  "Start eglot in this buffer when `plantls-auto-start' is on and eglot is there."
  (when (and plantls-auto-start buffer-file-name (require 'eglot nil t))
    (eglot-ensure)))

(dolist (mode plantls-modes)
  (add-hook (intern (format "%s-hook" mode)) #'plantls--maybe-start))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs (cons plantls-modes #'plantls--eglot-contact)))

(provide 'plantls)
;;; plantls.el ends here
