//! The editor's images and files: the gallery (cover first) with descriptions,
//! ordering and removal; every stored file version, with purging of the ones
//! buyers no longer get; and an uploader for each.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::{
    DescribeImage, MoveImage, PurgeOldVersions, RemoveFile, RemoveImage, admin_media,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::uploader::Uploader;
use crate::views::{AdminFileView, AdminImageView, UploadPurpose};

/// Images and files of product `product` (its public id).
#[component]
pub fn MediaPanel(product: String) -> impl IntoView {
    let describe = ServerAction::<DescribeImage>::new();
    let reorder = ServerAction::<MoveImage>::new();
    let remove_image = ServerAction::<RemoveImage>::new();
    let remove_file = ServerAction::<RemoveFile>::new();
    let purge = ServerAction::<PurgeOldVersions>::new();
    let uploaded = RwSignal::new(0u32);
    let on_done = Callback::new(move |()| uploaded.update(|n| *n += 1));
    let media = crate::codec::resource(
        {
            let product = product.clone();
            move || {
                (
                    product.clone(),
                    uploaded.get(),
                    describe.version().get(),
                    reorder.version().get(),
                    remove_image.version().get(),
                    remove_file.version().get(),
                    purge.version().get(),
                )
            }
        },
        |(product, ..)| admin_media(product),
    );
    let errors = move || {
        [
            describe.value().get().and_then(Result::err),
            reorder.value().get().and_then(Result::err),
            remove_image.value().get().and_then(Result::err),
            remove_file.value().get().and_then(Result::err),
            purge.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .map(|error| view! { <ErrorNotice error/> })
        .collect_view()
    };
    let purged = move || match purge.value().get() {
        Some(Ok(0)) => Some("There were no old versions.".to_owned()),
        Some(Ok(1)) => Some("Purged 1 old version.".to_owned()),
        Some(Ok(n)) => Some(format!("Purged {n} old versions.")),
        _ => None,
    };
    let purge_product = product.clone();
    view! {
        <section class="panel media" aria-labelledby="images-heading">
            <h2 id="images-heading">"Images"</h2>
            <p class="form__hint">"The first image is the cover. PNG, JPEG, WebP or GIF up to 25 MiB; thumbnails of 400 and 1200 pixels are made on upload."</p>
            {errors}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match media.await {
                        Ok(media) if media.images.is_empty() => view! { <p>"No images yet."</p> }.into_any(),
                        Ok(media) => view! {
                            <ul class="media__images">
                                {media.images.into_iter().enumerate().map(|(position, image)| view! {
                                    <GalleryItem image position describe reorder remove=remove_image/>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
            <Uploader product=product.clone() purpose=UploadPurpose::Image label="Add images" accept="image/png,image/jpeg,image/webp,image/gif" on_done/>
        </section>
        <section class="panel media" aria-labelledby="files-heading">
            <h2 id="files-heading">"Files"</h2>
            <p class="form__hint">"What buyers download. Uploading a file with the same name adds a new version; buyers get the newest."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let purge_product = purge_product.clone();
                    Suspend::new(async move {
                    match media.await {
                        Ok(media) if media.files.is_empty() => view! { <p>"No files yet."</p> }.into_any(),
                        Ok(media) => {
                            let has_old = media.files.iter().any(|file| !file.current);
                            view! {
                            <table class="files__table media__files">
                                <thead><tr>
                                    <th scope="col">"File"</th><th scope="col">"Format"</th><th scope="col">"Size"</th>
                                    <th scope="col">"Version"</th><th scope="col">"Uploaded"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {media.files.into_iter().map(|file| view! { <FileRow file remove=remove_file/> }).collect_view()}
                                </tbody>
                            </table>
                            {has_old.then(|| view! {
                                <ActionForm action=purge>
                                    <input type="hidden" name="product" value=purge_product/>
                                    <p class="form__hint">"Old versions stay in storage until purged; buyers only get the current one."</p>
                                    <button class="button button--secondary" type="submit">"Purge old versions"</button>
                                </ActionForm>
                            })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                    })
                }}
            </Suspense>
            {move || purged().map(|message| view! { <p class="form__ok" role="status">{message}</p> })}
            <Uploader product purpose=UploadPurpose::File label="Add files" on_done/>
        </section>
    }
}

#[component]
fn GalleryItem(
    image: AdminImageView,
    position: usize,
    describe: ServerAction<DescribeImage>,
    reorder: ServerAction<MoveImage>,
    remove: ServerAction<RemoveImage>,
) -> impl IntoView {
    let alt_id = format!("alt-{}", image.image);
    let id = image.image.clone();
    let alt_image = image.image.clone();
    let make_cover = (position > 0).then(|| {
        let id = id.clone();
        view! {
            <ActionForm action=reorder>
                <input type="hidden" name="image" value=id/>
                <input type="hidden" name="position" value="0"/>
                <button class="button button--secondary" type="submit">"Make cover"</button>
            </ActionForm>
        }
    });
    view! {
        <li class="media__image">
            <img src=image.url alt=image.alt.clone() width=image.width height=image.height loading="lazy"/>
            {(position == 0).then(|| view! { <span class="media__cover">"Cover"</span> })}
            <ActionForm action=describe attr:class="media__alt">
                <input type="hidden" name="image" value=alt_image/>
                <label for=alt_id.clone()>"Description"</label>
                <input id=alt_id name="alt" type="text" value=image.alt/>
                <button class="button button--secondary" type="submit">"Save"</button>
            </ActionForm>
            <div class="media__actions">
                {make_cover}
                <ActionForm action=remove>
                    <input type="hidden" name="image" value=id/>
                    <button class="button button--secondary" type="submit">"Remove"</button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn FileRow(file: AdminFileView, remove: ServerAction<RemoveFile>) -> impl IntoView {
    view! {
        <tr class:media__old=!file.current>
            <td>{file.name}<br/><small class="media__hash" title="SHA-256">{file.sha256}</small></td>
            <td>{file.format}</td>
            <td>{file.size}</td>
            <td>{file.version} {if file.current { " (current)" } else { " (old)" }}</td>
            <td>{file.uploaded_at}</td>
            <td>
                {file.current.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="file" value=file.file/>
                        <button class="button button--secondary" type="submit">"Remove"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
