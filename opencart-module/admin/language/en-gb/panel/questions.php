<?php
// Extensions > MesChain > Questions
$_['heading_title']          = 'Trendyol Customer Questions';

// Text
$_['text_home']              = 'Home';
$_['text_meschain']          = 'MesChain';
$_['text_menu_settings']     = 'Settings';
$_['text_request_failed']    = 'The request failed. Reload the page and sign in again if the problem persists.';
$_['text_intro']             = 'Questions buyers asked on your Trendyol product pages. Trendyol closes a question nobody answers within three business days, so the ones closing soonest come first. Answers are published after Trendyol checks them.';
$_['text_filter_new']        = 'Waiting for an answer';
$_['text_filter_answered']   = 'Answered';
$_['text_filter_all']        = 'All';
$_['text_waiting']           = '%d question(s) waiting for an answer';
$_['text_no_questions']      = 'No questions here. New ones arrive with every Customer Questions run (see Cron Management), or check now.';
$_['text_asked_by']          = 'Asked by %s on %s (UTC)';
$_['text_no_product']        = 'Not linked: no product was sent to Trendyol under this product main ID.';
$_['text_on_trendyol']       = 'On Trendyol';
$_['text_window_closed']     = 'Answer window closed';
$_['text_hours_left']        = '%d h %02d min left';
$_['text_minutes_left']      = '%d min left';
$_['text_length_hint']       = '%d to %d characters.';
$_['text_characters']        = 'characters';
$_['text_pick_template']     = 'Insert a saved answer…';
$_['text_answer_queued']     = 'The answer is queued and on its way to Trendyol.';
$_['text_check_started']     = 'Checking Trendyol for new questions; reload the page in a moment.';
$_['text_state_queued']      = 'On its way to Trendyol';
$_['text_state_sent']        = 'Answered on Trendyol';
$_['text_state_refused']     = 'Refused';
$_['text_retrying']          = 'Trendyol did not answer (attempt %d); trying again.';
$_['text_status_waiting_for_answer']  = 'Waiting for an answer';
$_['text_status_waiting_for_approve'] = 'Answer under review';
$_['text_status_answered']   = 'Answered';
$_['text_status_reported']   = 'Reported';
$_['text_status_rejected']   = 'Rejected';
$_['text_status_unanswered'] = 'Closed unanswered';
$_['text_templates']         = 'Saved answers';
$_['text_templates_help']    = 'Answers you give again and again: pick one into an answer box, then adjust it.';
$_['text_no_templates']      = 'No saved answers yet.';
$_['text_template_saved']    = 'Success: the saved answer was stored.';
$_['text_template_deleted']  = 'The saved answer was deleted.';

// Column
$_['column_product']         = 'Product';
$_['column_question']        = 'Question';
$_['column_time_left']       = 'Time left';
$_['column_answer']          = 'Answer';

// Entry
$_['entry_answer']           = 'Your answer';
$_['entry_title']            = 'Title';
$_['entry_body']             = 'Answer text';

// Button
$_['button_answer']          = 'Send answer';
$_['button_check']           = 'Check for new questions';
$_['button_add_template']    = 'Save answer';
$_['button_delete']          = 'Delete';

// Error
$_['error_permission']       = 'Warning: you do not have permission to modify MesChain questions!';
$_['error_not_found']        = 'That question is not in the list any more.';
$_['error_length']           = 'An answer must be %d to %d characters long.';
