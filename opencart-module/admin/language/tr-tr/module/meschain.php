<?php
// Eklentiler > MesChain > Ayarlar (ve menü girişleri)
$_['heading_title']            = 'MesChain Trendyol';

// Metin
$_['text_home']                = 'Ana Sayfa';
$_['text_extension']           = 'Eklentiler';
$_['text_edit']                = 'MesChain ayarları';
$_['text_success']             = 'Başarılı: MesChain ayarları kaydedildi.';
$_['text_menu']                = 'MesChain';
$_['text_menu_cron']           = 'Cron Yönetimi';
$_['text_menu_settings']       = 'Ayarlar';
$_['text_menu_mapping']        = 'Eşleştirmeler';
$_['text_secret_set']          = 'kayıtlı';
$_['text_secret_not_set']      = 'girilmedi';
$_['text_secret_keep']         = 'Kayıtlı. Korumak için boş bırakın, değiştirmek için yenisini yazın.';
$_['text_secret_empty']        = 'Henüz girilmedi';
$_['text_webhook_url']         = 'Trendyol satıcı panelinde tanımlanacak webhook adresi:';
$_['text_environment_production'] = 'Canlı (Trendyol production)';
$_['text_environment_stage']   = 'Test (Trendyol stage)';
$_['text_environment_sandbox'] = 'Sandbox (yerel trendyol-sandbox)';
$_['text_webhook_auth_api_key'] = 'API anahtarı başlığı';
$_['text_webhook_auth_basic']  = 'Temel kimlik doğrulama (Basic)';
$_['text_barcode_source_ean']  = 'EAN';
$_['text_barcode_source_upc']  = 'UPC';
$_['text_barcode_source_sku']  = 'SKU';
$_['text_barcode_source_model'] = 'Model';
$_['text_barcode_source_jan']  = 'JAN';
$_['text_barcode_source_isbn'] = 'ISBN';
$_['text_barcode_source_mpn']  = 'MPN';

// Sekmeler (ayar grupları)
$_['tab_general']              = 'Genel';
$_['tab_intervals']            = 'Senkronizasyon Aralıkları';
$_['tab_alerts']               = 'Uyarı Ayarları';
$_['tab_performance']          = 'Performans Ayarları';
$_['tab_debug']                = 'Hata Ayıklama Modu';
$_['tab_api']                  = 'API Bilgileri';
$_['tab_webhook']              = 'Webhook';
$_['tab_catalog']              = 'Katalog';
$_['tab_orders']               = 'Siparişler';
$_['tab_other']                = 'Diğer';
$_['tab_uninstall']            = 'Kaldırma';

// Düğme
$_['button_save']              = 'Kaydet';
$_['button_back']              = 'Geri';

// Giriş
$_['entry_status']             = 'Durum';
$_['entry_product_sync']       = 'Ürün Senkronizasyonu';
$_['entry_order_sync']         = 'Sipariş Senkronizasyonu';
$_['entry_stock_sync']         = 'Stok Senkronizasyonu';
$_['entry_webhook_processing'] = 'Webhook İşleme';
$_['entry_product_sync_interval'] = 'Ürün Senkronizasyon Aralığı (dakika)';
$_['entry_order_sync_interval'] = 'Sipariş Senkronizasyon Aralığı (dakika)';
$_['entry_stock_sync_interval'] = 'Stok Senkronizasyon Aralığı (dakika)';
$_['entry_webhook_interval']   = 'Webhook İşleme Aralığı (dakika)';
$_['entry_alert_email']        = 'Uyarı E-postası';
$_['entry_alert_on_error']     = 'Hatada Uyar';
$_['entry_alert_on_low_stock'] = 'Düşük Stokta Uyar';
$_['entry_low_stock_threshold'] = 'Düşük Stok Eşiği';
$_['entry_batch_size']         = 'Parti Boyutu';
$_['entry_max_execution_time'] = 'Azami Çalışma Süresi (saniye)';
$_['entry_memory_limit']       = 'Bellek Sınırı';
$_['entry_debug']              = 'Hata Ayıklama Modu';
$_['entry_log_dir']            = 'Günlük Dizini';
$_['entry_seller_id']          = 'Satıcı ID';
$_['entry_api_key']            = 'API Anahtarı';
$_['entry_api_secret']         = 'API Gizli Anahtarı';
$_['entry_environment']        = 'Ortam';
$_['entry_sandbox_url']        = 'Sandbox Adresi';
$_['entry_integrator_name']    = 'Entegratör Adı';
$_['entry_calls_per_minute']   = 'Dakikadaki API Çağrısı';
$_['entry_calls_per_hour']     = 'Saatteki API Çağrısı';
$_['entry_api_connect_timeout'] = 'Bağlantı Zaman Aşımı (saniye)';
$_['entry_api_timeout']        = 'İstek Zaman Aşımı (saniye)';
$_['entry_api_endpoint_limit'] = 'Uç Nokta Penceresindeki İstek Sayısı';
$_['entry_api_endpoint_window'] = 'Uç Nokta Penceresi (saniye)';
$_['entry_api_limit_overrides'] = 'Hız Sınırı İstisnaları';
$_['entry_webhook_auth']       = 'Webhook Kimlik Doğrulaması';
$_['entry_webhook_username']   = 'Webhook Kullanıcı Adı';
$_['entry_webhook_password']   = 'Webhook Şifresi';
$_['entry_webhook_api_key']    = 'Webhook API Anahtarı';
$_['entry_language_id']        = 'Dil ID';
$_['entry_barcode_source']     = 'Barkod Kaynağı';
$_['entry_stock_buffer']       = 'Stok Tamponu';
$_['entry_order_currency']     = 'Sipariş Para Birimi';
$_['entry_drop_tables']        = 'Kaldırırken tabloları sil';

// Yardım
$_['help_status']              = 'Cron sistemini tümüyle açar veya kapatır.';
$_['help_product_sync']        = 'Ürün değişikliklerini Trendyol\'a otomatik gönderir.';
$_['help_order_sync']          = 'Trendyol siparişlerini OpenCart\'a otomatik aktarır.';
$_['help_stock_sync']          = 'Stok ve fiyat değişikliklerini Trendyol\'a otomatik gönderir.';
$_['help_webhook_processing']  = 'Trendyol\'un webhook bildirimlerini geldikçe işler.';
$_['help_product_sync_interval'] = '1 ile 1440 arasında tam dakika (önerilen 60).';
$_['help_order_sync_interval'] = '1 ile 1440 arasında tam dakika (önerilen 15).';
$_['help_stock_sync_interval'] = '1 ile 1440 arasında tam dakika (önerilen 30).';
$_['help_webhook_interval']    = '1 ile 1440 arasında tam dakika (önerilen 5).';
$_['help_alert_email']         = 'Hata uyarılarının gideceği adres; istemiyorsanız boş bırakın.';
$_['help_alert_on_error']      = 'Bir senkronizasyon başarısız olursa e-posta ile uyarır.';
$_['help_alert_on_low_stock']  = 'Bir ürünün stoğu eşiğin altına düşerse e-posta ile uyarır.';
$_['help_low_stock_threshold'] = '0 ile 100000 arasında bir tam sayı.';
$_['help_batch_size']          = 'Partideki öğe sayısı, 1 ile 1000 arası (önerilen 50).';
$_['help_max_execution_time']  = 'Bir senkronizasyonun süresi, 10 ile 3600 saniye arası (önerilen 300).';
$_['help_memory_limit']        = '128M, 256M veya 1G gibi bir boyut (önerilen 256M).';
$_['help_debug']               = 'Günlük dizinine ayrıntılı kayıt yazar.';
$_['help_log_dir']             = 'Web sunucusunun ve cron\'un yazabildiği mutlak bir dizin yolu.';
$_['help_seller_id']           = 'Trendyol\'un sayısal satıcı numarası (satıcı paneli > Hesap > Entegrasyon).';
$_['help_api_key']             = 'Trendyol satıcı panelindeki API anahtarı, boşluksuz.';
$_['help_api_secret']          = 'Trendyol satıcı panelindeki API gizli anahtarı, boşluksuz.';
$_['help_environment']         = 'Hangi Trendyol ortamıyla konuşulacağı.';
$_['help_sandbox_url']         = 'Bir trendyol-sandbox\'ın http(s) adresi (yalnızca sandbox ortamında).';
$_['help_integrator_name']     = 'User-Agent başlığında gönderilir: harf ve rakam, en fazla 30.';
$_['help_calls_per_minute']    = 'Mağaza genelinde dakikadaki en fazla Trendyol çağrısı.';
$_['help_calls_per_hour']      = 'Mağaza genelinde saatteki en fazla Trendyol çağrısı.';
$_['help_api_connect_timeout'] = '1 ile 60 arasında saniye.';
$_['help_api_timeout']         = '1 ile 600 arasında saniye.';
$_['help_api_endpoint_limit']  = 'Trendyol kuralı: bir uç noktaya pencere başına bu kadar istek.';
$_['help_api_endpoint_window'] = '1 ile 3600 arasında saniye.';
$_['help_webhook_auth']        = 'Trendyol\'un webhook bildirimlerinin gerçek olduğunu nasıl kanıtladığı.';
$_['help_webhook_username']    = 'Temel kimlik doğrulama için.';
$_['help_webhook_password']    = 'Temel kimlik doğrulama için.';
$_['help_webhook_api_key']     = 'API anahtarı başlığı için.';
$_['help_language_id']         = 'Ürün metinleri gönderilecek OpenCart dili.';
$_['help_barcode_source']      = 'Trendyol\'un bildiği barkodu tutan ürün alanı.';
$_['help_stock_buffer']        = 'Her üründe Trendyol\'a gösterilmeyecek adet.';
$_['help_order_currency']      = 'Trendyol siparişlerinin kaydedileceği para biriminin üç harfli kodu.';
$_['help_drop_tables']         = 'Açıksa eklenti kaldırılırken MesChain tabloları ve tüm verileri de silinir. Kapalıyken yeniden kurulum için saklanır.';

// Hata
$_['error_permission']         = 'Uyarı: MesChain\'i değiştirme yetkiniz yok!';
$_['error_engine']             = 'MesChain motoru bir hata bildirdi:';
$_['error_form']               = 'Uyarı: lütfen formdaki hataları kontrol edin!';
$_['error_not_loaded']         = 'MesChain kurulamıyor:';
$_['error_migrate']            = 'MesChain kurulamıyor: tabloları oluşturulamadı.';
$_['error_cron_copy']          = 'MesChain cron betiklerini %s konumuna kopyalayamadı; klasörün yazılabilir olduğunu kontrol edin.';
