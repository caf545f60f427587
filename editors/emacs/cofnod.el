;;; cofnod.el --- The cofnod writing helper for case notes, through Eglot  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 the cofnod authors
;; SPDX-License-Identifier: MIT
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: wp, languages, convenience

;;; Commentary:

;; cofnod ("record" in Welsh) is a writing helper for social care practitioners in
;; Wales.  It checks case notes, in English, Welsh or both, for jargon, opinions
;; written as facts, vague wording, services written as outcomes, stock phrases in
;; place of the person's own words, and decisions without reasons.
;;
;; This file runs the cofnod language server (`cofnod lsp') with Eglot, which is
;; built into Emacs 29 (on Emacs 28, install the eglot package), on Markdown and
;; plain text notes (.md and .txt files).
;; Findings are shown by Flymake, with their messages and quick fixes.
;;
;; Setup, with cofnod on your PATH and this file on your `load-path':
;;
;;     (require 'cofnod)
;;
;; Loading it registers cofnod with Eglot and, unless `cofnod-auto-start' is nil,
;; starts it in every .md and .txt file.  Settings are in M-x customize-group RET
;; cofnod.  Commands:
;;
;;   M-x cofnod-explain          explain the finding at point (or a check you choose)
;;   M-x cofnod-check-workspace  check every note in the project, not only open ones
;;
;; Everything runs on your computer; nothing is sent anywhere.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'flymake)
(require 'jsonrpc)
(require 'project)
(require 'subr-x)

(declare-function eglot-uri-to-path "eglot" (uri))
(declare-function eglot--uri-to-path "eglot" (uri))
(declare-function eglot-path-to-uri "eglot" (path &rest _))
(declare-function eglot--project "eglot" (server))
(declare-function eglot--path-to-uri "eglot" (path))
(declare-function markdown-view-mode "markdown-mode" ())
(declare-function gfm-view-mode "markdown-mode" ())
(declare-function flymake-show-project-diagnostics "flymake" (&optional project))

(defgroup cofnod nil
  "The cofnod writing helper for social care records, in English and Welsh."
  :group 'tools
  :prefix "cofnod-")

(defcustom cofnod-program "cofnod"
  "The cofnod program: a name to look up on variable `exec-path', or a file name."
  :type 'string)

(defcustom cofnod-auto-start t
  "When non-nil, start cofnod in every file with one of `cofnod-file-extensions'.
When nil, start it in a note with \\[eglot]."
  :type 'boolean)

(defcustom cofnod-file-extensions '("md" "txt")
  "Extensions of the files that cofnod checks when `cofnod-auto-start' is on."
  :type '(repeat string))

(defcustom cofnod-language "auto"
  "The language of cofnod's messages and explanations."
  :type '(choice (const :tag "The language of the text each finding is about" "auto")
                 (const :tag "English" "en")
                 (const :tag "Welsh (Cymraeg)" "cy")))

(defcustom cofnod-debounce-ms 150
  "Milliseconds to wait after typing before checking the note again."
  :type 'natnum)

(defcustom cofnod-disable nil
  "Checks or single rules to turn off.
A check id, such as \"own-words\", or a rule id, such as
\"plain-language/commence\"."
  :type '(repeat (string :tag "Check or rule id")))

(defcustom cofnod-severity nil
  "How findings are shown, by check or rule id.
For example ((\"vague\" . \"info\") (\"plain-language/signpost\" . \"hint\"))."
  :type '(alist :key-type (string :tag "Check or rule id")
                :value-type (choice (const "hint") (const "info")
                                    (const "warning") (const "error"))))

(defcustom cofnod-rule-files nil
  "Extra word lists (TOML rule files), relative to the project folder."
  :type '(repeat string))

(defcustom cofnod-ignore nil
  "Glob patterns of files that cofnod does not check, such as \"templates/**\"."
  :type '(repeat string))

(defconst cofnod-categories
  '(("plain-language" . "jargon, acronyms and officialese")
    ("opinion-as-fact" . "a judgement written as fact")
    ("vague" . "wording that hides what happened")
    ("output-as-outcome" . "a service written as the person's outcome")
    ("own-words" . "the person's view in stock phrases")
    ("rationale" . "a decision with no reason"))
  "The six checks, with what each finds.")

;;;; Settings sent to the server

(defun cofnod-settings ()
  "The settings section \"cofnod\" from the `cofnod-' options, for JSON."
  (let ((severity (make-hash-table :test #'equal)))
    (pcase-dolist (`(,id . ,level) cofnod-severity)
      (puthash id level severity))
    (list :language cofnod-language
          :debounceMs cofnod-debounce-ms
          :disable (vconcat (delete-dups (copy-sequence cofnod-disable)))
          :severity severity
          :ruleFiles (vconcat (delete-dups (copy-sequence cofnod-rule-files)))
          :ignore (vconcat (delete-dups (copy-sequence cofnod-ignore))))))

(defun cofnod--initialization-options (_server)
  "The initializationOptions for cofnod: its settings section."
  (cofnod-settings))

(defvar cofnod--other-workspace-configuration nil
  "The default `eglot-workspace-configuration' before cofnod was set up.")

(defun cofnod-workspace-configuration (&optional server)
  "The value of `eglot-workspace-configuration' set up by cofnod.
It is the previous default, for other servers, with `:cofnod' added
unless the previous default already had it.  SERVER is Eglot's."
  (let* ((other cofnod--other-workspace-configuration)
         (other (if (functionp other) (funcall other server) other)))
    (if (plist-member other :cofnod)
        other
      (append other (list :cofnod (cofnod-settings))))))

;;;; Starting the server

(defconst cofnod--major-modes
  '((markdown-mode :language-id "markdown")
    (gfm-mode :language-id "markdown")
    (markdown-ts-mode :language-id "markdown")
    (cofnod-markdown-mode :language-id "markdown")
    (text-mode :language-id "plaintext"))
  "The major modes cofnod manages, with the languageId of each.
Markdown modes come first: they derive from `text-mode'.")

(define-derived-mode cofnod-markdown-mode text-mode "Markdown"
  "A plain mode for .md notes, used only when no Markdown mode is installed.")

(defun cofnod--program ()
  "The full file name of `cofnod-program', or nil if it cannot be found."
  (let ((program (if (file-name-directory cofnod-program)
                     (expand-file-name cofnod-program)
                   cofnod-program)))
    (if (file-name-absolute-p program)
        (and (file-executable-p program) program)
      (executable-find program))))

(defun cofnod--contact (&rest _)
  "The Eglot contact for cofnod: `cofnod lsp', with its settings."
  (let ((program (cofnod--program)))
    (unless program
      (user-error "cofnod: cannot find the program `%s'; install cofnod and put it on your PATH, or set `cofnod-program'"
                  cofnod-program))
    (list program "lsp" :initializationOptions #'cofnod--initialization-options)))

(defun cofnod--maybe-start ()
  "Start cofnod in this buffer if it visits a note (see `cofnod-auto-start')."
  (when (and cofnod-auto-start
             buffer-file-name
             (not (file-remote-p buffer-file-name))
             (member (file-name-extension buffer-file-name) cofnod-file-extensions))
    (eglot-ensure)))

;;;; The note's language and findings in the mode line

(defvar-local cofnod--mode-line nil
  "The cofnod status of this note, such as \"cofnod: CY·3\".")
(put 'cofnod--mode-line 'risky-local-variable t)

(defvar-local cofnod--language nil
  "The language of this note as cofnod sees it: \"en\", \"cy\", \"mixed\" or nil.")

(defconst cofnod--mode-line-entry
  '(cofnod--mode-line (" " cofnod--mode-line))
  "The entry in `mode-line-misc-info'.")

(defun cofnod-status-text (language findings)
  "The mode line text for a note in LANGUAGE with FINDINGS."
  (format "cofnod: %s·%d"
          (pcase language
            ("en" "EN") ("cy" "CY") ("mixed" "EN+CY") (_ "–"))
          (if (natnump findings) findings 0)))

(defun cofnod--uri-to-path (uri)
  "The file name of URI, with whichever function this Eglot has."
  (if (fboundp 'eglot-uri-to-path) (eglot-uri-to-path uri) (eglot--uri-to-path uri)))

(defun cofnod--path-to-uri (path)
  "The URI of PATH, with whichever function this Eglot has."
  (if (fboundp 'eglot-path-to-uri) (eglot-path-to-uri path) (eglot--path-to-uri path)))

(cl-defmethod eglot-handle-notification
  (_server (_method (eql 'cofnod/status)) &key uri language findings &allow-other-keys)
  "Show the language and number of findings of the note at URI.
LANGUAGE and FINDINGS come from the server's `cofnod/status' notification."
  (when-let* (((stringp uri))
              (buffer (find-buffer-visiting (cofnod--uri-to-path uri))))
    (with-current-buffer buffer
      (setq cofnod--language language)
      (setq cofnod--mode-line
            (propertize (cofnod-status-text language findings)
                        'help-echo (format "cofnod: %s; %s.  See M-x flymake-show-buffer-diagnostics"
                                           (pcase language
                                             ("en" "this note is in English")
                                             ("cy" "this note is in Welsh (Cymraeg)")
                                             ("mixed" "this note is in English and Welsh")
                                             (_ "the language of this note is not clear yet"))
                                           (if (eql findings 1) "1 finding"
                                             (format "%s findings" findings)))))
      (force-mode-line-update))))

(defun cofnod--managed-mode-changed ()
  "Forget the status of a buffer that Eglot no longer manages."
  (unless (bound-and-true-p eglot--managed-mode)
    (setq cofnod--mode-line nil
          cofnod--language nil)))

;;;; Commands

(defun cofnod--server ()
  "The Eglot server of this buffer, or an error saying how to start it."
  (or (eglot-current-server)
      (user-error "cofnod is not running here: open a .md or .txt note, then M-x eglot")))

(defun cofnod--execute (command arguments &optional timeout)
  "Run the server's COMMAND with ARGUMENTS (a vector) and return its result.
Wait at most TIMEOUT seconds."
  (condition-case err
      (jsonrpc-request (cofnod--server) :workspace/executeCommand
                       (list :command command :arguments arguments)
                       :timeout (or timeout 30))
    (jsonrpc-error
     (user-error "cofnod: %s failed: %s" command
                 (or (alist-get 'jsonrpc-error-message (cdr err)) err)))))

(defun cofnod--lsp-diagnostics-at-point ()
  "The cofnod findings at point, as (SIZE . LSP-DIAGNOSTIC) pairs."
  (cl-loop for pos in (delete-dups (list (point) (max (point-min) (1- (point)))))
           append (cl-loop for diag in (flymake-diagnostics pos)
                           for lsp = (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data diag)))
                           when (and lsp (equal (plist-get lsp :source) "cofnod"))
                           collect (cons (- (flymake-diagnostic-end diag)
                                            (flymake-diagnostic-beg diag))
                                         lsp))))

(defun cofnod--finding-at-point ()
  "The cofnod finding at point, as an LSP diagnostic, or nil.
When findings overlap, the smallest wins."
  (when-let ((found (cofnod--lsp-diagnostics-at-point)))
    (cdr (car (sort found (lambda (a b) (< (car a) (car b))))))))

(defun cofnod--finding-id (lsp)
  "The rule id of the finding LSP (an LSP diagnostic), else its check id."
  (let ((rule (plist-get (plist-get lsp :data) :rule))
        (code (plist-get lsp :code)))
    (cond ((and (stringp rule) (not (string-empty-p rule))) rule)
          (code (format "%s" code)))))

(defun cofnod-finding-id-at-point ()
  "The rule id of the cofnod finding at point, else its check id, else nil.
When findings overlap, the smallest wins."
  (when-let ((lsp (cofnod--finding-at-point)))
    (cofnod--finding-id lsp)))

(defun cofnod--explain-language (&optional finding)
  "The language to explain in: \"en\", \"cy\", or nil for English.
It is `cofnod-language' when that is \"en\" or \"cy\"; else the
language of FINDING (an LSP diagnostic), if given; else the note's,
when the note is in one language."
  (let ((of-finding (plist-get (plist-get finding :data) :lang)))
    (cond ((member cofnod-language '("en" "cy")) cofnod-language)
          ((member of-finding '("en" "cy")) of-finding)
          ((member cofnod--language '("en" "cy")) cofnod--language))))

(defun cofnod--read-id ()
  "Ask for a check or rule id, offering the finding at point."
  (let* ((at-point (cofnod-finding-id-at-point))
         (completion-extra-properties
          (list :annotation-function
                (lambda (id)
                  (when-let ((finds (cdr (assoc id cofnod-categories))))
                    (concat "  " finds))))))
    (if (and at-point (not current-prefix-arg))
        at-point
      (completing-read (format-prompt "Explain which check (or rule id)" at-point)
                       (mapcar #'car cofnod-categories) nil nil nil nil at-point))))

;;;###autoload
(defun cofnod-explain (id &optional lang)
  "Explain the cofnod check or rule ID: its principle and examples.
Interactively, ID is the finding at point; with no finding there, or
with a prefix argument, you choose.  LANG is \"en\" or \"cy\"; by
default, `cofnod-language' decides, and when it is \"auto\", the
language of the finding at point, else of the note."
  (interactive
   (let* ((finding (cofnod--finding-at-point))
          (id (cofnod--read-id)))
     (list id (cofnod--explain-language
               (and finding (equal id (cofnod--finding-id finding)) finding)))))
  (when (string-empty-p (string-trim id))
    (user-error "cofnod: no check or rule id given"))
  (let* ((lang (or lang (cofnod--explain-language)))
         (result (cofnod--execute "cofnod.server.explain"
                                  (if lang (vector id lang) (vector id))))
         (title (plist-get result :title))
         (markdown (string-trim (or (plist-get result :markdown) ""))))
    (when (string-empty-p markdown)
      (user-error "cofnod has no explanation for `%s'" id))
    (with-current-buffer (get-buffer-create (format "*cofnod: %s*" id))
      (let ((inhibit-read-only t))
        (erase-buffer)
        (unless (string-match-p "\\`#+ " markdown)
          (insert "# " (if (and (stringp title) (not (string-empty-p title))) title id) "\n\n"))
        (insert markdown "\n"))
      (cond ((fboundp 'gfm-view-mode) (gfm-view-mode))
            ((fboundp 'markdown-view-mode) (markdown-view-mode))
            (t (special-mode)))
      (setq buffer-read-only t)
      (goto-char (point-min))
      (display-buffer (current-buffer)))))

;;;###autoload
(defun cofnod-check-workspace ()
  "Check every .md and .txt note in the project, not only the open ones.
The check runs in the background; when it is done, the totals are
shown and the findings listed by `flymake-show-project-diagnostics'."
  (interactive)
  (let* ((server (cofnod--server))
         (buffer (current-buffer))
         (folder (cofnod--workspace-folder server)))
    (message "cofnod: checking the notes in %s..."
             (if folder (abbreviate-file-name folder) "the workspace"))
    ;; Asynchronous, so that Emacs is not held up by a large folder, and because
    ;; a synchronous request leaves unread (on Emacs 28) the findings of notes
    ;; that arrive in the same read as its answer.
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command "cofnod.server.checkWorkspace"
           :arguments (if folder (vector (cofnod--path-to-uri folder)) []))
     :timeout 600
     ;; After the process filter is done: findings that came with the answer
     ;; are handled first.
     :success-fn (lambda (result) (run-at-time 0 nil #'cofnod--workspace-checked result buffer folder))
     :error-fn (lambda (err)
                 (message "cofnod: cofnod.server.checkWorkspace failed: %s"
                          (or (plist-get err :message) err)))
     :timeout-fn (lambda ()
                   (message "cofnod: cofnod.server.checkWorkspace did not answer in 600 s")))))

(defun cofnod--workspace-folder (server)
  "The folder `cofnod-check-workspace' checks for SERVER.
The current project's root; in a folder of notes that is not a project
(no version control), the folder Eglot started SERVER for, as Eglot
itself does; failing that, the note's own folder."
  (let ((project (or (project-current)
                     (and (fboundp 'eglot--project) server
                          (ignore-errors (eglot--project server))))))
    (expand-file-name (or (and project (ignore-errors (project-root project)))
                          default-directory))))

(defun cofnod--workspace-checked (result buffer &optional folder)
  "Show the totals in RESULT of `cofnod-check-workspace', run from BUFFER.
FOLDER, the folder checked, stands for the project when there is none."
  (let ((files (plist-get result :files))
        (findings (plist-get result :findings))
        (errors (plist-get result :errors)))
    (message "cofnod checked %s file%s: %s finding%s%s"
             files (if (eql files 1) "" "s")
             findings (if (eql findings 1) "" "s")
             (if (and (numberp errors) (> errors 0))
                 (format "; %s file%s could not be checked" errors (if (eql errors 1) "" "s"))
               ""))
    (when (and (fboundp 'flymake-show-project-diagnostics) (buffer-live-p buffer))
      (with-current-buffer buffer
        ;; `flymake-show-project-diagnostics' needs a project, and its list looks
        ;; for it again each time it is refreshed: outside version control, the
        ;; folder checked is the project (as Eglot's transient projects are), for
        ;; this call and, locally, in the list's own buffer.
        (let* ((fallback (and folder (not (project-current nil folder))
                              (lambda (_dir) (cons 'transient folder))))
               (project-find-functions (append project-find-functions (and fallback (list fallback)))))
          (flymake-show-project-diagnostics)
          (when fallback
            (dolist (b (buffer-list))
              (with-current-buffer b
                (when (and (derived-mode-p 'flymake-project-diagnostics-mode)
                           (file-equal-p default-directory folder))
                  (add-hook 'project-find-functions fallback t t))))))))))

;;;; Setting up

;;;###autoload
(defun cofnod-setup ()
  "Register cofnod with Eglot (loading this file does it).
Add cofnod to `eglot-server-programs' (before other Markdown servers),
its settings to the default `eglot-workspace-configuration', its status
to the mode line, and to `text-mode-hook' a function that starts it in
notes when `cofnod-auto-start' is on."
  (add-to-list 'eglot-server-programs (cons cofnod--major-modes #'cofnod--contact))
  (let ((current (default-value 'eglot-workspace-configuration)))
    (unless (eq current #'cofnod-workspace-configuration)
      (setq cofnod--other-workspace-configuration current)
      (setq-default eglot-workspace-configuration #'cofnod-workspace-configuration)))
  ;; Only used when nothing else claims .md files (no Markdown mode installed).
  (add-to-list 'auto-mode-alist '("\\.md\\'" . cofnod-markdown-mode) t)
  (add-to-list 'mode-line-misc-info cofnod--mode-line-entry)
  (add-hook 'eglot-managed-mode-hook #'cofnod--managed-mode-changed)
  (add-hook 'text-mode-hook #'cofnod--maybe-start))

(defun cofnod-unload-function ()
  "Undo `cofnod-setup' when this file is unloaded."
  (setq eglot-server-programs
        (cl-remove #'cofnod--contact eglot-server-programs :key #'cdr))
  (when (eq (default-value 'eglot-workspace-configuration) #'cofnod-workspace-configuration)
    (setq-default eglot-workspace-configuration cofnod--other-workspace-configuration))
  (setq auto-mode-alist (rassq-delete-all 'cofnod-markdown-mode auto-mode-alist))
  (setq mode-line-misc-info (delete cofnod--mode-line-entry mode-line-misc-info))
  (remove-hook 'eglot-managed-mode-hook #'cofnod--managed-mode-changed)
  (remove-hook 'text-mode-hook #'cofnod--maybe-start)
  ;; Let `unload-feature' do the rest.
  nil)

(cofnod-setup)

(provide 'cofnod)
;;; cofnod.el ends here
