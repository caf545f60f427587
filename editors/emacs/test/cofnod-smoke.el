;;; cofnod-smoke.el --- Batch smoke test of cofnod.el  -*- lexical-binding: t; -*-

;; Runs cofnod.el with Eglot against the mock `cofnod lsp' of the VS Code extension's
;; tests (../../vscode/test/smoke/mock-server.js, which needs Node.js):
;;
;;     emacs -Q --batch -L editors/emacs -l editors/emacs/test/cofnod-smoke.el
;;
;; (add `-L DIR' for Eglot's and markdown-mode's folders on Emacs 28).  Exits with 0
;; when every check passes.

;;; Code:

(require 'cl-lib)
(require 'markdown-mode nil t)          ; optional: without it, .md uses cofnod-markdown-mode
(require 'cofnod)

(defvar cofnod-smoke--dir (file-name-directory (or load-file-name buffer-file-name)))
(defvar cofnod-smoke--failures 0)

(defmacro cofnod-smoke-check (what form)
  "Report WHAT as passed if FORM is non-nil, else as failed."
  `(condition-case err
       (if ,form
           (message "ok - %s" ,what)
         (cl-incf cofnod-smoke--failures)
         (message "not ok - %s" ,what))
     (error (cl-incf cofnod-smoke--failures)
            (message "not ok - %s: %S" ,what err))))

(defun cofnod-smoke--wait (pred &optional seconds)
  "Wait until PRED returns non-nil, at most SECONDS; return its value."
  (let ((end (+ (float-time) (or seconds 10))))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun cofnod-smoke--server-log (log)
  "The messages the mock server received, as plists, from the file LOG."
  (with-temp-buffer
    (when (file-exists-p log) (insert-file-contents log))
    (cl-loop for line in (split-string (buffer-string) "\n" t)
             collect (json-parse-string line :object-type 'plist :array-type 'list))))

(let* ((mock (expand-file-name "../../vscode/test/smoke/mock-server.js" cofnod-smoke--dir))
       (tmp (make-temp-file "cofnod-emacs-" t))
       (project (expand-file-name "notes/" tmp))
       (log (expand-file-name "server.log" tmp))
       (wrapper (expand-file-name "cofnod" tmp)))
  (make-directory project)
  (make-directory (expand-file-name ".git" project))  ; a project root for project.el
  (with-temp-file (expand-file-name "visit.md" project) (insert "Mr Price is hostile.\n"))
  (with-temp-file (expand-file-name "note.txt" project) (insert "Case closed.\n"))
  (with-temp-file wrapper
    (insert (format "#!/bin/sh\nexec %s %s \"$@\"\n"
                    (shell-quote-argument (executable-find "node"))
                    (shell-quote-argument mock))))
  (set-file-modes wrapper #o755)
  (setenv "MOCK_LOG" log)
  (setq cofnod-program wrapper
        cofnod-language "cy"
        cofnod-disable '("vague" "vague")
        cofnod-severity '(("rationale" . "hint")))
  (unwind-protect
      (progn
        (find-file (expand-file-name "visit.md" project))
        (cofnod-smoke-check "a .md note is started by the text-mode hook"
                            (memq #'cofnod--maybe-start text-mode-hook))
        (apply #'eglot--connect (eglot--guess-contact))
        (cofnod-smoke-check "eglot connects to cofnod lsp"
                            (cofnod-smoke--wait #'eglot-current-server))
        (cofnod-smoke-check "the status notification sets the mode line"
                            (equal (substring-no-properties
                                    (or (cofnod-smoke--wait (lambda () cofnod--mode-line)) ""))
                                   "cofnod: EN+CY·1"))
        (cofnod-smoke--wait #'flymake-diagnostics)
        (goto-char (point-min))
        (forward-char 14)
        (cofnod-smoke-check "the finding at point has its rule id"
                            (equal (cofnod-finding-id-at-point) "opinion-as-fact/hostile"))
        (cofnod-explain (cofnod-finding-id-at-point))
        (cofnod-smoke-check "cofnod-explain shows the explanation, read-only"
                            (with-current-buffer "*cofnod: opinion-as-fact/hostile*"
                              (and buffer-read-only
                                   (string-prefix-p "# Title of opinion-as-fact/hostile\n\nExplanation of opinion-as-fact/hostile in cy."
                                                    (buffer-string)))))
        (cofnod-check-workspace)
        ;; It runs in the background: wait for the request to reach the server.
        (cofnod-smoke--wait
         (lambda ()
           (cl-find-if (lambda (m)
                         (equal (plist-get (plist-get m :params) :command) "cofnod.server.checkWorkspace"))
                       (cofnod-smoke--server-log log))))
        (let* ((received (cofnod-smoke--server-log log))
               (init (plist-get (cl-find "initialize" received
                                         :key (lambda (m) (plist-get m :method)) :test #'equal)
                                :params))
               (open (plist-get (cl-find "textDocument/didOpen" received
                                         :key (lambda (m) (plist-get m :method)) :test #'equal)
                                :params))
               (answer (plist-get (cl-find-if (lambda (m) (plist-member m :configurationAnswer)) received)
                                  :configurationAnswer))
               (commands (cl-loop for m in received
                                  when (equal (plist-get m :method) "workspace/executeCommand")
                                  collect (plist-get m :params)))
               (expected '(:language "cy" :debounceMs 150 :disable ("vague")
                                     :severity (:rationale "hint") :ruleFiles () :ignore ())))
          (cofnod-smoke-check "initializationOptions hold the settings"
                              (equal (plist-get init :initializationOptions) expected))
          (cofnod-smoke-check "workspace/configuration answers with the settings"
                              (equal answer (list expected)))
          (cofnod-smoke-check "a .md note is sent as markdown"
                              (equal (plist-get (plist-get open :textDocument) :languageId) "markdown"))
          (cofnod-smoke-check "explain and checkWorkspace are sent with their arguments"
                              (equal commands
                                     `((:command "cofnod.server.explain" :arguments ("opinion-as-fact/hostile" "cy"))
                                       (:command "cofnod.server.checkWorkspace"
                                                 :arguments (,(cofnod--path-to-uri (expand-file-name project))))))))
        (eglot-shutdown (eglot-current-server))
        (find-file (expand-file-name "note.txt" project))
        (apply #'eglot--connect (eglot--guess-contact))
        (cofnod-smoke--wait #'eglot-current-server)
        (cofnod-smoke-check "a .txt note is sent as plaintext"
                            (cofnod-smoke--wait
                             (lambda ()
                               (cl-find-if (lambda (m)
                                             (equal (plist-get (plist-get (plist-get m :params) :textDocument) :languageId)
                                                    "plaintext"))
                                           (cofnod-smoke--server-log log)))))
        (eglot-shutdown (eglot-current-server))
        (setq cofnod-program (expand-file-name "no-such-cofnod" tmp))
        (cofnod-smoke-check "a missing program gives a clear error"
                            (string-match-p "cannot find the program"
                                            (condition-case err (progn (cofnod--contact) "")
                                              (user-error (cadr err))))))
    (delete-directory tmp t)))

(message "%d passed, %d failed" (- 11 cofnod-smoke--failures) cofnod-smoke--failures)
(kill-emacs (if (zerop cofnod-smoke--failures) 0 1))
;;; cofnod-smoke.el ends here
