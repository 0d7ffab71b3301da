<?php
// Eklentiler > MesChain > Sorular
$_['heading_title']          = 'Trendyol Müşteri Soruları';

// Text
$_['text_home']              = 'Ana Sayfa';
$_['text_meschain']          = 'MesChain';
$_['text_menu_settings']     = 'Ayarlar';
$_['text_request_failed']    = 'İstek başarısız oldu. Sorun sürerse sayfayı yenileyip yeniden oturum açın.';
$_['text_intro']             = 'Alıcıların Trendyol ürün sayfalarınızda sorduğu sorular. Trendyol üç iş günü içinde cevaplanmayan soruyu kapatır; bu yüzden süresi en önce dolacak sorular en üsttedir. Cevaplar Trendyol\'un kontrolünden sonra yayınlanır.';
$_['text_filter_new']        = 'Cevap bekleyenler';
$_['text_filter_answered']   = 'Cevaplananlar';
$_['text_filter_all']        = 'Tümü';
$_['text_waiting']           = '%d soru cevap bekliyor';
$_['text_no_questions']      = 'Burada soru yok. Yeni sorular her Müşteri Soruları çalışmasında gelir (bkz. Cron Yönetimi) ya da şimdi kontrol edin.';
$_['text_asked_by']          = '%s sordu, %s (UTC)';
$_['text_no_product']        = 'Eşleşmedi: bu ana ürün koduyla Trendyol\'a gönderilmiş bir ürün yok.';
$_['text_on_trendyol']       = 'Trendyol\'da';
$_['text_window_closed']     = 'Cevap süresi doldu';
$_['text_hours_left']        = '%d sa %02d dk kaldı';
$_['text_minutes_left']      = '%d dk kaldı';
$_['text_length_hint']       = '%d ile %d karakter arası.';
$_['text_characters']        = 'karakter';
$_['text_pick_template']     = 'Kayıtlı bir cevap ekle…';
$_['text_answer_queued']     = 'Cevap kuyruğa alındı ve Trendyol\'a gönderiliyor.';
$_['text_check_started']     = 'Trendyol\'da yeni sorular aranıyor; birazdan sayfayı yenileyin.';
$_['text_state_queued']      = 'Trendyol\'a gönderiliyor';
$_['text_state_sent']        = 'Trendyol\'da cevaplandı';
$_['text_state_refused']     = 'Reddedildi';
$_['text_retrying']          = 'Trendyol cevap vermedi (%d. deneme); yeniden denenecek.';
$_['text_status_waiting_for_answer']  = 'Cevap bekliyor';
$_['text_status_waiting_for_approve'] = 'Cevap inceleniyor';
$_['text_status_answered']   = 'Cevaplandı';
$_['text_status_reported']   = 'Raporlandı';
$_['text_status_rejected']   = 'Reddedildi';
$_['text_status_unanswered'] = 'Cevapsız kapandı';
$_['text_templates']         = 'Kayıtlı cevaplar';
$_['text_templates_help']    = 'Sık verdiğiniz cevaplar: birini cevap kutusuna ekleyip düzenleyin.';
$_['text_no_templates']      = 'Henüz kayıtlı cevap yok.';
$_['text_template_saved']    = 'Başarılı: kayıtlı cevap saklandı.';
$_['text_template_deleted']  = 'Kayıtlı cevap silindi.';

// Column
$_['column_product']         = 'Ürün';
$_['column_question']        = 'Soru';
$_['column_time_left']       = 'Kalan süre';
$_['column_answer']          = 'Cevap';

// Entry
$_['entry_answer']           = 'Cevabınız';
$_['entry_title']            = 'Başlık';
$_['entry_body']             = 'Cevap metni';

// Button
$_['button_answer']          = 'Cevabı gönder';
$_['button_check']           = 'Yeni soruları kontrol et';
$_['button_add_template']    = 'Cevabı kaydet';
$_['button_delete']          = 'Sil';

// Error
$_['error_permission']       = 'Uyarı: MesChain sorularını değiştirme yetkiniz yok!';
$_['error_not_found']        = 'Bu soru artık listede değil.';
$_['error_length']           = 'Cevap %d ile %d karakter arasında olmalıdır.';
