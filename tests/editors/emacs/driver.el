;;; driver.el --- test driver for clients/emacs/plantls.el  -*- lexical-binding: t; -*-

;; Run in a batch Emacs after the user's init file loaded plantls.el: opens $PLANTLS_FILE, lets
;; eglot connect the way the command loop would, waits for plantls's diagnostics in flymake,
;; asks for a hover on $PLANTLS_HOVER_WORD at line $PLANTLS_HOVER_LINE, and writes what came back to
;; $PLANTLS_RESULT as JSON.  Always exits.

;;; Code:

(require 'json)
(require 'subr-x)

(defvar plantls-test--result nil)

(defun plantls-test--put (key value)
  (push (cons key value) plantls-test--result))

(defun plantls-test--wait (predicate seconds)
  "Run the event loop until PREDICATE returns non-nil or SECONDS pass; return its value."
  (let ((deadline (+ (float-time) seconds))
        value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    value))

(condition-case err
    (progn
      (plantls-test--put 'emacs_version emacs-version)
      (plantls-test--put 'eglot_library (locate-library "eglot"))
      (find-file (getenv "PLANTLS_FILE"))
      (plantls-test--put 'major_mode (symbol-name major-mode))
      (plantls-test--put 'comment_start comment-start)
      ;; The command loop runs post-command-hook after the file opened: eglot-ensure's hook
      ;; connects there.  A batch Emacs has no command loop, so run the hook as it would.
      (run-hooks 'post-command-hook)
      (plantls-test--put 'attached
                         (and (plantls-test--wait #'eglot-current-server 60) t))
      (let ((server (eglot-current-server)))
        (plantls-test--put 'command (vconcat (process-command (jsonrpc--process server))))
        (plantls-test--put 'language_id
                           (if (fboundp 'eglot--language-id)
                               (ignore-errors (eglot--language-id server))
                             nil)))
      (flymake-start)
      (plantls-test--wait #'flymake-diagnostics 60)
      (plantls-test--put
       'diagnostics
       (vconcat
        (mapcar (lambda (d)
                  `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                    (type . ,(symbol-name (flymake-diagnostic-type d)))
                    (text . ,(flymake-diagnostic-text d))))
                (flymake-diagnostics))))
      (when-let ((hover-line (getenv "PLANTLS_HOVER_LINE"))
                 (word (getenv "PLANTLS_HOVER_WORD")))
        (goto-char (point-min))
        (forward-line (1- (string-to-number hover-line)))
        (search-forward word)
        (backward-char 1)
        (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                       (eglot--TextDocumentPositionParams) :timeout 20))
               (contents (plist-get hover :contents)))
          (plantls-test--put 'hover
                             (if (stringp contents) contents (plist-get contents :value)))))
      (eglot-shutdown (eglot-current-server)))
  (error (plantls-test--put 'error (format "%S" err))))

(with-temp-file (getenv "PLANTLS_RESULT")
  (insert (json-encode plantls-test--result)))
(kill-emacs 0)
;;; driver.el ends here
